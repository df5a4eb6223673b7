#include "app/planargument.h"

#include "app/console.h"
#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace fanout {

QString PlanArgument::resolve(const QString &argument)
{
    if (argument == QLatin1String("demo") && !QFileInfo::exists(argument))
        return QStringLiteral(":/plans/demo.json");
    return argument;
}

QString PlanArgument::displayName(const QString &argument)
{
    return resolve(argument).startsWith(QLatin1Char(':')) ? QStringLiteral("demo (built in)") : argument;
}

PlanReadResult PlanArgument::read(const QString &argument)
{
    // Terraform plans and graphs, CloudFormation templates and Compose files are imported on the way.
    return PlanImporter::readFile(resolve(argument), ExecutorRegistry::builtIn());
}

PlanReadResult PlanArgument::load(const QString &argument, const Console &console)
{
    PlanReadResult result = read(argument);
    print(result.diagnostics, displayName(argument), console);
    return result;
}

void PlanArgument::print(const Diagnostics &diagnostics, const QString &file, const Console &console)
{
    for (const Diagnostic &d : diagnostics)
        console.writeDiagnostic(d, file);
    const int errors = errorCount(diagnostics);
    const int warnings = warningCount(diagnostics);
    if (errors > 0) {
        console.writeLine(QStringLiteral("%1: %2 error%3%4; the plan cannot run until %5 fixed")
                              .arg(file).arg(errors).arg(errors == 1 ? QString() : QStringLiteral("s"))
                              .arg(warnings ? QStringLiteral(", %1 warning%2").arg(warnings).arg(warnings == 1 ? QString() : QStringLiteral("s")) : QString())
                              .arg(errors == 1 ? QStringLiteral("it is") : QStringLiteral("they are")));
    }
}

void PlanArgument::addProfileOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("profile"),
                      QStringLiteral("For a Compose file: also run the services of profile NAME (repeatable), as docker compose --profile does; "
                                     "the others with profiles are shown but not run."),
                      QStringLiteral("NAME")});
}

void PlanArgument::applyProfiles(const QCommandLineParser &parser)
{
    QStringList profiles = qEnvironmentVariable("COMPOSE_PROFILES").split(QLatin1Char(','), Qt::SkipEmptyParts);
    profiles += parser.values(QStringLiteral("profile"));
    if (!profiles.isEmpty())
        qputenv("COMPOSE_PROFILES", profiles.join(QLatin1Char(',')).toUtf8());
}

} // namespace fanout
