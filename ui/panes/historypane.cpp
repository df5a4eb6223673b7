#include "ui/panes/historypane.h"

#include "engine/run/deployment.h"
#include "engine/run/replay.h"
#include "engine/support/handover.h"
#include "models/plan/workspace.h"
#include "models/run/historymodel.h"
#include "ui/panes/runcomparisondialog.h"
#include "ui/panes/sparkline.h"

#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

HistoryPane::HistoryPane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_loader([](const QString &path, qint64 id) { return RunHistory(path).recordedRun(id); })
    , m_model(new HistoryModel(this))
    , m_sparkline(new Sparkline)
    , m_message(new QLabel)
    , m_view(new QTableView)
    , m_replayButton(new QPushButton(tr("Replay")))
    , m_compareButton(new QPushButton(tr("Compare")))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setToolTip(tr("Double-click a run to replay it on the graph, the timeline and the logs; select two to compare them"));
    m_message->setWordWrap(true);
    m_message->hide();
    m_replayButton->setToolTip(tr("Show the selected run as it happened, read-only, with a slider to move through it"));
    m_compareButton->setToolTip(tr("Select two runs (Ctrl+click) to see, per resource, how long each took in both"));
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        openRun(m_model->data(index, HistoryModel::RunIdRole).toLongLong());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryPane::updateButtons);
    connect(m_replayButton, &QPushButton::clicked, this, [this] {
        if (const QList<qint64> ids = selectedIds(); ids.size() == 1)
            openRun(ids.constFirst());
    });
    connect(m_compareButton, &QPushButton::clicked, this, &HistoryPane::compareSelected);
    connect(&m_listing, &QFutureWatcher<Listing>::finished, this, &HistoryPane::onListRead);
    connect(&m_loading, &QFutureWatcher<Loaded>::finished, this, &HistoryPane::onLoaded);
    // Another plan opened (not a replay's): its runs.
    connect(&m_workspace.deployment(), &Deployment::planChanged, this, [this] {
        if (!m_workspace.deployment().isReplaying() && m_workspace.deployment().targetPlan().name != m_listedPlan)
            refresh();
    });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_replayButton);
    buttons->addWidget(m_compareButton);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_sparkline);
    layout->addWidget(m_message);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    updateButtons();
}

HistoryPane::~HistoryPane()
{
    m_listing.waitForFinished();
    m_loading.waitForFinished();
    delete m_replay; // the open plan again, while the deployment is still there
}

void HistoryPane::setHistoryPath(const QString &path)
{
    m_path = path;
    refresh();
}

void HistoryPane::refresh()
{
    if (m_path.isEmpty())
        return;
    if (m_listing.isRunning()) {
        m_refreshAgain = true;
        return;
    }
    const QString planName = m_workspace.deployment().targetPlan().name;
    m_listedPlan = planName;
    m_listing.setFuture(runOnPool(*QThreadPool::globalInstance(), [path = m_path, planName] {
        Listing listing;
        listing.planName = planName;
        RunHistory history(path);
        Expected<QList<RunHistory::Run>> runs = history.runs(planName, kListLimit);
        if (runs)
            listing.runs = std::move(*runs);
        else
            listing.error = tr("The run history %1 cannot be read: %2").arg(QDir::toNativeSeparators(path), runs.error());
        return listing;
    }));
}

void HistoryPane::onListRead()
{
    Listing listing = m_listing.result();
    if (m_refreshAgain) {
        m_refreshAgain = false;
        refresh();
        return;
    }
    m_message->setText(listing.error);
    m_message->setVisible(!listing.error.isEmpty());
    QList<Sparkline::Point> points;
    for (int i = std::min<int>(int(listing.runs.size()), kSparklinePoints) - 1; i >= 0; --i) {
        const RunHistory::Run &run = listing.runs[i];
        if (run.command == QLatin1String("run"))
            points.append({run.makespanMs, run.outcome == QLatin1String("succeeded")});
    }
    m_sparkline->setPoints(points);
    m_model->setRuns(std::move(listing.runs));
    if (m_model->rowCount() == 0 && listing.error.isEmpty()) {
        m_message->setText(listing.planName.isEmpty() ? tr("Open a plan to see its past runs.")
                                                      : tr("No runs of \"%1\" are recorded yet: every run and destroy is, "
                                                           "from the dashboard and from the command line.").arg(listing.planName));
        m_message->show();
    }
    m_view->resizeColumnsToContents();
    updateButtons();
    emit listRead();
}

QList<qint64> HistoryPane::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
        ids.append(m_model->data(row, HistoryModel::RunIdRole).toLongLong());
    return ids;
}

void HistoryPane::updateButtons()
{
    const int selected = int(selectedIds().size());
    m_replayButton->setEnabled(selected == 1);
    m_compareButton->setEnabled(selected == 2);
}

void HistoryPane::openRun(qint64 id)
{
    load({id}, false);
}

void HistoryPane::compareSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() == 2)
        load(ids, true);
}

void HistoryPane::load(const QList<qint64> &ids, bool compare)
{
    if (m_loading.isRunning() || ids.isEmpty())
        return;
    m_loading.setFuture(runOnPool(*QThreadPool::globalInstance(), [loader = m_loader, path = m_path, ids, compare] {
        Loaded loaded;
        loaded.compare = compare;
        for (const qint64 id : ids) {
            Expected<RunHistory::RecordedRun> run = loader(path, id);
            if (!run) {
                loaded.error = tr("Run #%1 cannot be read from the run history: %2").arg(id).arg(run.error());
                break;
            }
            loaded.runs.append(std::move(*run));
        }
        return loaded;
    }));
}

void HistoryPane::onLoaded()
{
    Loaded loaded = m_loading.result();
    if (!loaded.error.isEmpty()) {
        emit problem(loaded.error);
        return;
    }
    if (loaded.compare && loaded.runs.size() == 2) {
        RunComparisonDialog *dialog = compare(loaded.runs[0], loaded.runs[1]);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    } else if (!loaded.compare && loaded.runs.size() == 1) {
        showRecorded(std::move(loaded.runs.first()));
    }
}

bool HistoryPane::showRecorded(RunHistory::RecordedRun recorded)
{
    Deployment &deployment = m_workspace.deployment();
    if (deployment.isRunning() && !deployment.isReplaying()) {
        emit problem(tr("A run is in progress; run #%1 can be replayed when it is over.").arg(recorded.run.id));
        return false;
    }
    closeReplay();
    const bool teardown = recorded.run.command == QLatin1String("destroy");
    QDateTime startedAt = QDateTime::fromString(recorded.run.startedAt, Qt::ISODateWithMs);
    if (!startedAt.isValid())
        startedAt = QDateTime::fromString(recorded.run.startedAt, Qt::ISODate);
    m_replay = new Replay(deployment, std::move(recorded.plan), std::move(recorded.events), teardown, startedAt, this);
    if (!m_replay->open()) {
        delete m_replay;
        return false;
    }
    m_replayTitle = (teardown ? tr("Replaying destroy #%1 of %2") : tr("Replaying run #%1 of %2"))
                        .arg(recorded.run.id)
                        .arg(HistoryModel::whenText(recorded.run.startedAt));
    connect(m_replay, &Replay::closed, this, [this] {
        if (m_replay)
            m_replay->deleteLater();
        m_replay = nullptr;
        emit replayClosed();
    });
    emit replayStarted(m_replay, m_replayTitle);
    return true;
}

void HistoryPane::closeReplay()
{
    if (!m_replay)
        return;
    Replay *replay = m_replay;
    m_replay = nullptr;
    replay->disconnect(this);
    replay->close();
    delete replay;
    emit replayClosed();
}

RunComparisonDialog *HistoryPane::compare(const RunHistory::RecordedRun &a, const RunHistory::RecordedRun &b)
{
    const bool aFirst = a.run.id < b.run.id;
    return new RunComparisonDialog(aFirst ? a : b, aFirst ? b : a, this);
}

} // namespace fanout
