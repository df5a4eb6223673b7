#include "app/console.h"
#include "app/destroycommand.h"
#include "app/exportcommand.h"
#include "app/forecastcommand.h"
#include "app/guicommand.h"
#include "app/historycommand.h"
#include "app/plancommands.h"
#include "app/runcommand.h"
#include "engine/support/closestmatch.h"

#include <QCoreApplication>

namespace {

const char kUsage[] = R"(Usage: fanout <command> [options]

Deploy a plan of resources in parallel, and see it happen.

Commands:
  gui [PLAN]      Open the dashboard on PLAN (the demo when none is given); the default
  run PLAN        Provision what PLAN's state file says is new or changed, in parallel,
                  with live progress
  destroy PLAN    Tear down what PLAN's state file says exists, dependents first
  validate PLAN   Check PLAN and print every problem found
  graph PLAN      Print PLAN's dependency graph as Graphviz DOT or Mermaid
  import FILE     Turn a Terraform plan or graph, a CloudFormation template or a Compose
                  file into a Fanout plan
  export PLAN     Write PLAN as an Argo Workflow, to run on a Kubernetes cluster
  history [PLAN]  List the runs and destroys recorded in the run history
  forecast PLAN   Forecast how long a run of PLAN takes, learned from the run history

PLAN is a plan file (see docs/plan-format.md), "demo" for the built-in demo plan, or any
file `import` reads, imported on the way.
Run "fanout <command> --help" for a command's options.

Options:
  -h, --help      Show this help
  -v, --version   Show the version
)";

} // namespace

int main(int argc, char *argv[])
{
    // No command, or "gui": the dashboard, which needs a QApplication; the rest is headless.
    if (argc < 2 || qstrcmp(argv[1], "gui") == 0)
        return fanout::GuiCommand::exec(argc, argv);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fanout"));
    QCoreApplication::setOrganizationName(QStringLiteral("Fanout"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FANOUT_VERSION));

    using namespace fanout;
    const Console out(stdout);
    const Console err(stderr);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    const QString command = arguments.constFirst();
    const QStringList rest = arguments.mid(1);
    if (command == QLatin1String("run"))
        return RunCommand::exec(rest);
    if (command == QLatin1String("destroy"))
        return DestroyCommand::exec(rest);
    if (command == QLatin1String("validate"))
        return PlanCommands::validate(rest);
    if (command == QLatin1String("graph"))
        return PlanCommands::graph(rest);
    if (command == QLatin1String("import"))
        return PlanCommands::import(rest);
    if (command == QLatin1String("export"))
        return ExportCommand::exec(rest);
    if (command == QLatin1String("history"))
        return HistoryCommand::exec(rest);
    if (command == QLatin1String("forecast"))
        return ForecastCommand::exec(rest);
    if (command == QLatin1String("-h") || command == QLatin1String("--help") || command == QLatin1String("help")) {
        out.write(QString::fromUtf8(kUsage));
        return RunCommand::Succeeded;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        out.writeLine(QStringLiteral("fanout %1").arg(QCoreApplication::applicationVersion()));
        return RunCommand::Succeeded;
    }
    const QStringList commands = {QStringLiteral("gui"), QStringLiteral("run"), QStringLiteral("destroy"), QStringLiteral("validate"), QStringLiteral("graph"), QStringLiteral("import"),
                                  QStringLiteral("export"), QStringLiteral("history"), QStringLiteral("forecast")};
    err.writeLine(QStringLiteral("fanout: unknown command \"%1\"%2\nRun \"fanout --help\" for the commands.")
                      .arg(command, didYouMean(command, commands)));
    return RunCommand::InvalidInput;
}
