// Importing and exporting in the dashboard, as a user does it: open another tool's file (it is
// imported as `fanout import` would), see it on the graph and the table with what will not run
// marked, map its resources to an executor in the mapping dialog, run it, save it as a plan that
// reopens the same, and export the graph and the timeline, also headless from the command line.
// Runs offscreen.
#include "engine/import/planimporter.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/mappingrulesmodel.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/resourcefiltermodel.h"
#include "models/run/resourcetablemodel.h"
#include "ui/dialogs/mappingdialog.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/panes/resourcespane.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

constexpr int kRunTimeoutMs = 60'000;
constexpr int kLayoutTimeoutMs = 30'000;

QString corpusSource(const char *path)
{
    return QStringLiteral(FANOUT_CORPUS "/") + QLatin1String(path);
}

// A Terraform plan with a module and four data sources (not run).
const char kTerraformPlan[] = "terraform-json/checkov_github_oidc_module_reads_tf1.5.json";
// Six Compose services, which the built-in table maps to a simulation of a few seconds each.
const char kCompose[] = "compose/voting_app_docker-compose.yml";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

MappingDialog *openMappingDialog(MainWindow &window)
{
    window.runs().mappingAction()->trigger();
    return window.findChild<MappingDialog *>();
}

// Types `text` into a cell of the rules table as the table's editor would.
bool edit(MappingDialog *dialog, int row, int column, const QString &text)
{
    return dialog->rulesModel()->setData(dialog->rulesModel()->index(row, column), text);
}

} // namespace

class tst_ImportGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void importsATerraformPlan();
    void importedResourcesShowTheirSource();
    void savedImportReopensIdentically();
    void unreadableImportShowsWhere();
    void mappingDialogMapsServicesToACommand();
    void mappingDialogFlagsInvalidRules();
    void mappingDialogReordersRules();
    void exportsGraphAsDotAndMermaid();
    void exportsTheTimelineAsAnImage();
    void exportsAnArgoWorkflow();
    void guiCommandExportsHeadless();

private:
    // A copy of a corpus file in this test's own directory: runs write a state file beside it.
    QString corpus(const char *path);

    std::unique_ptr<QTemporaryDir> m_dir;
};

QString tst_ImportGui::corpus(const char *path)
{
    const QString copy = m_dir->filePath(QFileInfo(QLatin1String(path)).fileName());
    if (!QFile::exists(copy)) {
        QFile::copy(corpusSource(path), copy);
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    }
    return copy;
}

void tst_ImportGui::initTestCase()
{
    useTestSettings("tst_importgui");
}

void tst_ImportGui::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ImportGui::importsATerraformPlan()
{
    // The same import `fanout import` makes, for what the window should show.
    const ImportResult expected = PlanImporter::importFile(corpusSource(kTerraformPlan));
    QVERIFY(!expected.hasErrors());
    QCOMPARE(expected.resourceCount, 9);

    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().importAction()->isEnabled());
    QCOMPARE(window.files().importAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_I));
    QString problems;
    QVERIFY_EXPECTED(window.files().openPlan(corpus(kTerraformPlan)));

    Deployment &session = window.workspace().deployment();
    QCOMPARE(session.resourceCount(), expected.resourceCount);
    QCOMPARE(window.resourcesPane()->view()->model()->rowCount(), expected.resourceCount);
    QVERIFY2(window.windowTitle().contains(QLatin1String("imported from checkov_github_oidc_module_reads_tf1.5.json, not saved")),
             qPrintable(window.windowTitle()));
    QVERIFY(window.workspace().file().isEmpty());
    QCOMPARE(window.workspace().importedFrom(), QFileInfo(corpus(kTerraformPlan)).absoluteFilePath());
    QCOMPARE(window.workspace().planText(), QByteArray::fromStdString(expected.document.dump(2)) + '\n');
    QVERIFY(window.files().saveAction()->isEnabled()); // an imported plan is unsaved
    QCOMPARE(session.statePath(), QFileInfo(corpus(kTerraformPlan)).absolutePath()
                                      + QStringLiteral("/checkov_github_oidc_module_reads_tf1.5.fanout-state.json"));

    // The status bar says what came in and what will not run.
    const QString status = window.statusBar()->currentMessage();
    QVERIFY2(status.contains(QLatin1String("Imported 9 resources, 12 dependencies from checkov_github_oidc_module_reads_tf1.5.json "
                                           "(Terraform JSON plan); 4 not run")),
             qPrintable(status));

    // Every resource is on the graph; the data sources are drawn as not run.
    GraphView *graph = window.graphPane()->view();
    QTRY_VERIFY_WITH_TIMEOUT(!graph->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY2(graph->layoutError().isEmpty(), qPrintable(graph->layoutError()));
    QCOMPARE(graph->graphScene()->nodeItems().size(), expected.resourceCount);
    int notRun = 0;
    for (int r = 0; r < session.resourceCount(); ++r) {
        const Resource &resource = session.plan().resources[r];
        QCOMPARE(graph->nodeItem(r)->runs(), resource.run);
        notRun += resource.run ? 0 : 1;
        if (!resource.run)
            QVERIFY2(graph->toolTipFor(graph->nodeItem(r)).contains(QLatin1String("Not run")), qPrintable(graph->toolTipFor(graph->nodeItem(r))));
    }
    QCOMPARE(notRun, 4);

    // Run it (the built-in estimates are simulations of seconds; cancel once it has started): the
    // not-run resources end up done without an attempt.
    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QVERIFY(session.isRunning());
    QVERIFY(!window.runs().mappingAction()->isEnabled()); // the plan cannot change under a run
    QVERIFY(!window.files().importAction()->isEnabled());
    const auto notRunDone = [&session] {
        for (int r = 0; r < session.resourceCount(); ++r) {
            if (!session.plan().resources[r].run && session.state(r) != ResourceState::Succeeded)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(notRunDone(), kRunTimeoutMs);
    for (int r = 0; r < session.resourceCount(); ++r) {
        if (!session.plan().resources[r].run) {
            QVERIFY(session.status(r).attempts.isEmpty());
            QVERIFY2(session.status(r).reason.startsWith(QLatin1String("not run")), qPrintable(session.status(r).reason));
        }
    }
    session.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QVERIFY(window.runs().mappingAction()->isEnabled());
}

void tst_ImportGui::importedResourcesShowTheirSource()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kTerraformPlan)));
    const Plan &plan = window.workspace().deployment().plan();
    int dataSource = -1;
    int managed = -1;
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (!plan.resources[r].run && dataSource < 0)
            dataSource = r;
        if (plan.resources[r].run && managed < 0)
            managed = r;
    }
    QVERIFY(dataSource >= 0 && managed >= 0);

    QLabel *source = window.inspectorPane()->sourceLabel();
    window.workspace().selection().select(dataSource);
    QVERIFY(source->isVisible());
    const Resource &read = plan.resources[dataSource];
    QVERIFY2(source->text().contains(QString::fromStdString(read.source.value("address", std::string())).toHtmlEscaped()), qPrintable(source->text()));
    QVERIFY2(source->text().contains(QLatin1String("not run")) || source->text().contains(QLatin1String("no: ")), qPrintable(source->text()));
    QVERIFY2(source->text().contains(read.note.toHtmlEscaped()), qPrintable(source->text()));

    window.workspace().selection().select(managed);
    const Resource &resource = plan.resources[managed];
    QVERIFY2(source->text().contains(QString::fromStdString(resource.source.value("type", std::string()))), qPrintable(source->text()));
    // Which rule chose its executor: here the built-in estimate for its type.
    QVERIFY2(source->text().contains(QLatin1String("built-in estimate")), qPrintable(source->text()));

    // The Resources table's Type column says what it is where it came from, and which executor
    // provisions it; sorting and filtering go by that text.
    QAbstractItemModel *table = window.resourcesPane()->model();
    const QString type = QString::fromStdString(resource.source.value("type", std::string()));
    QCOMPARE(table->index(managed, ResourceTableModel::TypeColumn).data().toString(), QStringLiteral("%1 (%2)").arg(type, resource.type));
    QVERIFY(table->index(managed, ResourceTableModel::TypeColumn).data(Qt::ToolTipRole).toString().contains(type)); // the column is narrow
    ResourceFilterModel *filter = window.resourcesPane()->filter();
    filter->setText(type);
    QVERIFY(filter->rowCount() >= 1);
    for (int row = 0; row < filter->rowCount(); ++row)
        QVERIFY(filter->index(row, ResourceTableModel::TypeColumn).data().toString().startsWith(type));
    filter->setText(QString());

    // A plan written by hand has no source to show.
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    window.workspace().selection().select(0);
    QVERIFY(!source->isVisible());
    QCOMPARE(table->index(0, ResourceTableModel::TypeColumn).data().toString(), QStringLiteral("sim"));
}

void tst_ImportGui::savedImportReopensIdentically()
{
    // A copy beside which the test may write.
    const QString imported = m_dir->filePath(QStringLiteral("tfplan.json"));
    QVERIFY(QFile::copy(corpusSource(kTerraformPlan), imported));
    const QByteArray source = readAll(imported);

    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(imported));
    QVERIFY2(window.windowTitle().startsWith(window.workspace().deployment().plan().name + QStringLiteral(" (imported from tfplan.json, not saved)")),
             qPrintable(window.windowTitle()));

    // Save never writes the plan over the file it came from.
    QString error;
    error = window.files().savePlanAs(imported).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("imported from")), qPrintable(error));
    QCOMPARE(readAll(imported), source);

    const QString saved = m_dir->filePath(QStringLiteral("tfplan-fanout.json"));
    QVERIFY_EXPECTED(window.files().savePlanAs(saved));
    QCOMPARE(readAll(imported), source);
    QCOMPARE(window.workspace().file(), QFileInfo(saved).absoluteFilePath());
    QVERIFY(window.workspace().importedFrom().isEmpty());
    QVERIFY2(!window.windowTitle().contains(QLatin1String("not saved")), qPrintable(window.windowTitle()));
    QVERIFY(!window.files().saveAction()->isEnabled()); // nothing left to save

    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.files().openPlan(saved));
    QVERIFY(reopened.workspace().importedFrom().isEmpty());
    QCOMPARE(reopened.workspace().planText(), window.workspace().planText());
    const Plan &a = window.workspace().deployment().plan();
    const Plan &b = reopened.workspace().deployment().plan();
    QCOMPARE(b.name, a.name);
    COMPARE_JSON(b.mapping, a.mapping);
    QCOMPARE(b.groups.size(), a.groups.size());
    for (int g = 0; g < a.groups.size(); ++g) {
        QCOMPARE(b.groups[g].name, a.groups[g].name);
        QCOMPARE(b.groups[g].label, a.groups[g].label);
    }
    QCOMPARE(b.resources.size(), a.resources.size());
    for (int r = 0; r < a.resources.size(); ++r) {
        QCOMPARE(b.resources[r].id, a.resources[r].id);
        QCOMPARE(b.resources[r].group, a.resources[r].group);
        QCOMPARE(sorted(b.resources[r].dependsOn), sorted(a.resources[r].dependsOn));
        QCOMPARE(b.resources[r].type, a.resources[r].type);
        COMPARE_JSON(b.resources[r].params, a.resources[r].params);
        COMPARE_JSON(b.resources[r].source, a.resources[r].source);
        QCOMPARE(b.resources[r].run, a.resources[r].run);
        QCOMPARE(b.resources[r].mappedBy, a.resources[r].mappedBy);
    }
}

void tst_ImportGui::unreadableImportShowsWhere()
{
    // A Compose file whose service list is broken half-way.
    const QString broken = m_dir->filePath(QStringLiteral("compose.yaml"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("services:\n  web:\n    image: nginx\n    depends_on: [db\n  db:\n    image: postgres\n");
    file.close();

    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QString problems;
    problems = window.files().openPlan(broken).error();
    QVERIFY(!problems.isEmpty());
    // file:line:col: error: ...
    QVERIFY2(QRegularExpression(QStringLiteral("compose\\.yaml:\\d+:\\d+: error")).match(problems).hasMatch(), qPrintable(problems));
    QCOMPARE(window.workspace().deployment().resourceCount(), 30); // the demo stays open
    auto *box = window.findChild<QMessageBox *>();
    QVERIFY(box);
    QCOMPARE(box->windowTitle(), QStringLiteral("Cannot import the file"));
    QVERIFY2(box->detailedText().contains(QLatin1String("compose.yaml:")), qPrintable(box->detailedText()));
    box->close();
}

void tst_ImportGui::mappingDialogMapsServicesToACommand()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kCompose)));
    Deployment &session = window.workspace().deployment();
    const int services = session.resourceCount();
    QCOMPARE(services, 6);
    QVERIFY(window.runs().mappingAction()->isEnabled());

    MappingDialog *dialog = openMappingDialog(window);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QAbstractItemModelTester rulesTester(dialog->rulesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester builtInTester(dialog->builtInModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(dialog->rulesModel()->rowCount(), 0);
    // Nothing of the plan's own yet: the built-in table maps every service.
    int builtInCount = 0;
    for (int row = 0; row < dialog->builtInModel()->rowCount(); ++row)
        builtInCount += dialog->builtInModel()->count(row);
    QCOMPARE(builtInCount, services);
    QVERIFY(dialog->builtInModel()->flags(dialog->builtInModel()->index(0, 0)).testFlag(Qt::ItemIsEditable) == false);

    // Add Rule, then write the rule a user would: every service runs `echo ADDRESS`.
    QTest::mouseClick(dialog->addButton(), Qt::LeftButton);
    QCOMPARE(dialog->rulesModel()->rowCount(), 1);
    QVERIFY(edit(dialog, 0, MappingRulesModel::MatchColumn, QStringLiteral("service")));
    QVERIFY(edit(dialog, 0, MappingRulesModel::ExecutorColumn, QStringLiteral("command")));
    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": [\"echo\", \"${address}\"]}")));
    QVERIFY(edit(dialog, 0, MappingRulesModel::EstimateColumn, QStringLiteral("1s")));
    QCOMPARE(dialog->rulesModel()->problem(0), QString());
    QCOMPARE(dialog->rulesModel()->count(0), services); // the preview: the rule maps all six
    QCOMPARE(dialog->rulesModel()->index(0, MappingRulesModel::ResourcesColumn).data().toInt(), services);
    QVERIFY2(dialog->summary().contains(QStringLiteral("provision %1 of the %1").arg(services)), qPrintable(dialog->summary()));
    QVERIFY(dialog->okButton()->isEnabled());

    QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<MappingDialog *>());

    // The plan now runs every service with the command, its address substituted.
    QCOMPARE(session.resourceCount(), services);
    for (const Resource &r : session.plan().resources) {
        QCOMPARE(r.type, QStringLiteral("command"));
        QCOMPARE(r.mappedBy, QStringLiteral("mapping[0]"));
        COMPARE_JSON(r.params["command"], json::array({"echo", r.source["address"].get<std::string>()}));
        QCOMPARE(r.estimateMs.value_or(-1), 1000);
    }
    const json document = window.workspace().document().document();
    QCOMPARE(document["mapping"].size(), std::size_t(1));
    COMPARE_JSON(document["mapping"][0]["match"], json("service"));
    QVERIFY2(window.windowTitle().contains(QLatin1String("not saved")), qPrintable(window.windowTitle()));

    // Run it: six echoes, each printing its own address.
    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(session.count(ResourceState::Succeeded), services);

    // Reopening the dialog shows the rule applied.
    dialog = openMappingDialog(window);
    QVERIFY(dialog);
    QCOMPARE(dialog->rulesModel()->rowCount(), 1);
    QCOMPARE(dialog->rulesModel()->index(0, MappingRulesModel::MatchColumn).data().toString(), QStringLiteral("service"));
    QCOMPARE(dialog->rulesModel()->index(0, MappingRulesModel::ParametersColumn).data().toString(),
             QStringLiteral("{\"command\": [\"echo\", \"${address}\"]}"));
    dialog->reject();
}

void tst_ImportGui::mappingDialogFlagsInvalidRules()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kCompose)));
    const QByteArray before = window.workspace().planText();
    MappingDialog *dialog = openMappingDialog(window);
    QVERIFY(dialog);
    QTest::mouseClick(dialog->addButton(), Qt::LeftButton);
    QVERIFY(edit(dialog, 0, MappingRulesModel::MatchColumn, QStringLiteral("service")));
    MappingRulesModel *rules = dialog->rulesModel();

    const auto problem = [&] { return rules->index(0, MappingRulesModel::ProblemColumn).data().toString(); };
    const auto flagged = [&](int column) {
        return rules->index(0, column).data(Qt::BackgroundRole).isValid() && rules->index(0, column).data(Qt::ToolTipRole).toString() == problem();
    };

    QVERIFY(edit(dialog, 0, MappingRulesModel::ExecutorColumn, QStringLiteral("comand")));
    QVERIFY2(problem().contains(QLatin1String("unknown executor type \"comand\"")) && problem().contains(QLatin1String("did you mean \"command\"")),
             qPrintable(problem()));
    QVERIFY(flagged(MappingRulesModel::ExecutorColumn));
    QVERIFY(!dialog->okButton()->isEnabled());
    QVERIFY2(dialog->summary().contains(QLatin1String("Rule 1")), qPrintable(dialog->summary()));

    QVERIFY(edit(dialog, 0, MappingRulesModel::ExecutorColumn, QStringLiteral("command")));
    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": [\"echo\", ")));
    QVERIFY2(problem().startsWith(QLatin1String("invalid JSON")), qPrintable(problem()));
    QVERIFY(flagged(MappingRulesModel::ParametersColumn));
    QVERIFY(!dialog->okButton()->isEnabled());

    // Valid JSON, but not what the command executor needs.
    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": \"\"}")));
    QVERIFY2(!problem().isEmpty() && problem() != QLatin1String("OK"), qPrintable(problem()));
    QVERIFY(rules->data(rules->index(0, 0), MappingRulesModel::IsErrorRole).toBool());
    QVERIFY(!dialog->okButton()->isEnabled());

    // A misspelt field would stop the plan: an error here too; a note of the user's own is fine.
    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": [\"true\"], \"timout\": \"1m\"}")));
    QCOMPARE(problem(), QStringLiteral("unknown field \"timout\"; did you mean \"timeout\"?"));
    QVERIFY(rules->data(rules->index(0, 0), MappingRulesModel::IsErrorRole).toBool());
    QVERIFY(!dialog->okButton()->isEnabled());
    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": [\"true\"], \"x-why\": \"a note\"}")));
    QVERIFY(dialog->okButton()->isEnabled());

    QVERIFY(edit(dialog, 0, MappingRulesModel::ParametersColumn, QStringLiteral("{\"command\": [\"true\"]}")));
    QVERIFY(edit(dialog, 0, MappingRulesModel::EstimateColumn, QStringLiteral("soon")));
    QVERIFY(flagged(MappingRulesModel::EstimateColumn));
    QVERIFY(edit(dialog, 0, MappingRulesModel::EstimateColumn, QString()));

    QVERIFY(edit(dialog, 0, MappingRulesModel::MatchColumn, QString()));
    QVERIFY2(problem().contains(QLatin1String("needs a match")), qPrintable(problem()));
    QCOMPARE(rules->count(0), 0);
    QVERIFY(!dialog->okButton()->isEnabled());

    QVERIFY(edit(dialog, 0, MappingRulesModel::MatchColumn, QStringLiteral("service")));
    QCOMPARE(problem(), QStringLiteral("OK"));
    QVERIFY(dialog->okButton()->isEnabled());

    // Cancel leaves the plan as it was.
    dialog->reject();
    QCOMPARE(window.workspace().planText(), before);
    QVERIFY(window.workspace().deployment().plan().resources[0].type == QLatin1String("sim"));

    // The window's own check: a mapping that does not read is refused.
    QString problems;
    problems = window.runs().applyMapping(json::array({json{{"match", "service"}, {"type", "nosuch"}}})).error();
    QVERIFY(!problems.isEmpty());
    QVERIFY2(problems.contains(QLatin1String("unknown type")), qPrintable(problems));
    QCOMPARE(window.workspace().planText(), before);
}

void tst_ImportGui::mappingDialogReordersRules()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kCompose)));
    const int services = window.workspace().deployment().resourceCount();
    // Two rules: one for the redis service only (by address), one for every service.
    QVERIFY(window.runs().applyMapping(json::array({json{{"match", "service"}, {"type", "command"}, {"command", json::array({"echo", "all"})}},
                                             json{{"match", "service"}, {"address", "redis"}, {"type", "command"}, {"command", json::array({"echo", "redis"})}}})));
    MappingDialog *dialog = openMappingDialog(window);
    QVERIFY(dialog);
    MappingRulesModel *rules = dialog->rulesModel();
    QCOMPARE(rules->count(0), services); // the catch-all comes first and takes them all
    QCOMPARE(rules->count(1), 0);

    // Select the second rule and move it up: now it takes redis.
    dialog->rulesView()->setCurrentIndex(rules->index(1, MappingRulesModel::MatchColumn));
    QVERIFY(dialog->moveUpButton()->isEnabled());
    QTest::mouseClick(dialog->moveUpButton(), Qt::LeftButton);
    QCOMPARE(rules->index(0, MappingRulesModel::AddressColumn).data(Qt::EditRole).toString(), QStringLiteral("redis"));
    QCOMPARE(rules->count(0), 1);
    QCOMPARE(rules->count(1), services - 1);
    QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<MappingDialog *>());
    const Plan &plan = window.workspace().deployment().plan();
    COMPARE_JSON(plan.resources[plan.indexOf(QStringLiteral("redis"))].params["command"], json::array({"echo", "redis"}));

    // Remove the first rule: everything goes back to the catch-all.
    dialog = openMappingDialog(window);
    dialog->rulesView()->setCurrentIndex(dialog->rulesModel()->index(0, 0));
    QTest::mouseClick(dialog->removeButton(), Qt::LeftButton);
    QCOMPARE(dialog->rulesModel()->rowCount(), 1);
    QCOMPARE(dialog->rulesModel()->count(0), services);
    dialog->accept();
    QTRY_VERIFY(!window.findChild<MappingDialog *>());
    COMPARE_JSON(window.workspace().deployment().plan().resources[window.workspace().deployment().plan().indexOf(QStringLiteral("redis"))].params["command"],
                 json::array({"echo", "all"}));
}

void tst_ImportGui::exportsGraphAsDotAndMermaid()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kTerraformPlan)));
    QTRY_VERIFY_WITH_TIMEOUT(!window.graphPane()->view()->isLayingOut(), kLayoutTimeoutMs);
    QString id; // one that DOT writes as it is, without escapes
    for (const Resource &r : window.workspace().deployment().plan().resources) {
        if (!r.id.contains(QLatin1Char('"')))
            id = r.id;
    }
    QVERIFY(!id.isEmpty());

    QString error;
    const QString dot = m_dir->filePath(QStringLiteral("graph.dot"));
    QVERIFY_EXPECTED(window.files().exportGraph(dot));
    QVERIFY(readAll(dot).startsWith("digraph"));
    QVERIFY(readAll(dot).contains(id.toUtf8()));
    const QString mermaid = m_dir->filePath(QStringLiteral("graph.mmd"));
    QVERIFY_EXPECTED(window.files().exportGraph(mermaid));
    QVERIFY(readAll(mermaid).startsWith("flowchart") || readAll(mermaid).startsWith("graph"));
    const QString svg = m_dir->filePath(QStringLiteral("graph.svg"));
    QVERIFY_EXPECTED(window.files().exportGraph(svg));
    QVERIFY(readAll(svg).contains("<svg"));
    error = window.files().exportGraph(m_dir->filePath(QStringLiteral("graph.txt"))).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String(".mmd")), qPrintable(error));
}

void tst_ImportGui::exportsTheTimelineAsAnImage()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(corpus(kCompose)));
    QVERIFY(window.runs().applyMapping(json::array({json{{"match", "*"}, {"type", "sim"}, {"duration", "50ms"}}})));
    QSignalSpy finished(&window.workspace().deployment(), &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);

    const QString path = m_dir->filePath(QStringLiteral("timeline.png"));
    QString error;
    QVERIFY(window.files().exportTimelineAction()->isEnabled());
    QVERIFY_EXPECTED(window.files().exportTimeline(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    // Wide enough to read, tall enough for every row (6 × 20 px) with the axis, legend and strip.
    QCOMPARE(image.width(), 1600);
    QVERIFY2(image.height() >= 6 * 20 + 100 && image.height() < 1200, qPrintable(QString::number(image.height())));
    // Something is drawn: the bars are coloured, not all white or grey.
    int coloured = 0;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 4) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - c.green()) > 30 || std::abs(c.green() - c.blue()) > 30)
                ++coloured;
        }
    }
    QVERIFY2(coloured > 100, qPrintable(QString::number(coloured)));
    error = window.files().exportTimeline(m_dir->filePath(QStringLiteral("timeline.jpg"))).error();
    QVERIFY(!error.isEmpty());
}

// File → Export Argo Workflow: the imported Compose file as a workflow (and, the demo's group
// limit, a ConfigMap beside it); a plan with a command but no image says which, and writes nothing.
void tst_ImportGui::exportsAnArgoWorkflow()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QStringList warnings;
    // The demo: a group limit, so a ConfigMap beside the workflow; what it leaves out is said.
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QVERIFY(window.files().exportArgoAction()->isEnabled());
    const QString demo = m_dir->filePath(QStringLiteral("demo.yaml"));
    const Expected<QStringList> both = window.files().exportArgo(demo, &warnings);
    QVERIFY2(both, qPrintable(both.error()));
    QCOMPARE(*both, (QStringList{m_dir->filePath(QStringLiteral("demo.configmap.yaml")), demo}));
    QVERIFY(readAll(both->constFirst()).contains("kind: ConfigMap"));
    QVERIFY(readAll(demo).startsWith("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"));
    QVERIFY2(warnings.join(' ').contains(QLatin1String("resource \"db\"")), qPrintable(warnings.join('\n')));

    // A command without an image: refused, naming it, and nothing is written. (Not local-stack
    // itself: Graphviz's dot_mincross leaks a subgraph laying it out, which LeakSanitizer's fast
    // unwinder cannot tell from Fanout's own; tests/sanitizers/lsan.supp.)
    const QString local = m_dir->filePath(QStringLiteral("local.json"));
    {
        QFile file(local);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "local", "resources": [{"id": "workspace", "type": "command", "command": ["mkdir", "-p", "/tmp/w"]},
            {"id": "site", "type": "command", "depends_on": ["workspace"], "command": ["touch", "/tmp/w/index.html"]}]})");
    }
    QVERIFY(window.files().openPlan(local));
    const QString refused = m_dir->filePath(QStringLiteral("local.yaml"));
    const Expected<QStringList> none = window.files().exportArgo(refused, &warnings);
    QVERIFY(!none);
    QVERIFY2(none.error().contains(QLatin1String("resource \"workspace\": no image")), qPrintable(none.error()));
    QVERIFY(!QFile::exists(refused));

    // An imported Compose file: one task per service that runs (not those of a profile not chosen).
    QVERIFY(window.files().openPlan(corpus(kCompose)));
    const QString path = m_dir->filePath(QStringLiteral("voting.yaml"));
    const Expected<QStringList> written = window.files().exportArgo(path, &warnings);
    QVERIFY2(written, qPrintable(written.error()));
    QCOMPARE(*written, QStringList{path});
    const QList<Resource> &resources = window.workspace().deployment().plan().resources;
    const auto running = std::count_if(resources.cbegin(), resources.cend(), [](const Resource &r) { return r.run; });
    QVERIFY(running > 1 && running < resources.size());
    QCOMPARE(qsizetype(readAll(path).count("template: ")), qsizetype(running));
}

void tst_ImportGui::guiCommandExportsHeadless()
{
    const QString dot = m_dir->filePath(QStringLiteral("x.dot"));
    const QString png = m_dir->filePath(QStringLiteral("t.png"));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config"))); // the user's settings stay untouched
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("gui"), corpus(kCompose), QStringLiteral("--export-graph"), dot,
                                                  QStringLiteral("--export-timeline"), png, QStringLiteral("--run"), QStringLiteral("--at"),
                                                  QStringLiteral("1")});
    QVERIFY2(process.waitForFinished(kRunTimeoutMs), "fanout gui did not finish");
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, process.readAllStandardError().constData());
    QVERIFY(readAll(dot).startsWith("digraph"));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 150);

    // A file that is no plan: the problem, and no pictures.
    const QString bad = m_dir->filePath(QStringLiteral("bad.dot"));
    QProcess failing;
    failing.setProcessEnvironment(environment);
    failing.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("gui"), QStringLiteral("/nonexistent/plan.json"), QStringLiteral("--export-graph"), bad});
    QVERIFY(failing.waitForFinished(kRunTimeoutMs));
    QCOMPARE(failing.exitCode(), 2);
    QVERIFY(!QFile::exists(bad));
}

QTEST_MAIN(tst_ImportGui)
#include "tst_importgui.moc"
