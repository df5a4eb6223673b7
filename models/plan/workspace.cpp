#include "models/plan/workspace.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "engine/state/deploymentstate.h"
#include "engine/support/atomicfile.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"

#include <QFileInfo>
#include <QUndoStack>

namespace fanout {

namespace {

const char kDemo[] = "demo";
const char kDemoPath[] = ":/plans/demo.json";

} // namespace

Workspace::Workspace(const ExecutorRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_document(new PlanDocument(registry, this))
    , m_deployment(new Deployment(registry, this))
    , m_selection(new ResourceSelection(*m_deployment, this))
{
    connect(m_document, &PlanDocument::changed, this, &Workspace::documentChanged);
    connect(m_document, &PlanDocument::resourceRenamed, m_selection, &ResourceSelection::rename);
    connect(m_deployment, &Deployment::runFinished, this, [this] {
        if (!m_stateMovePending)
            return;
        keepStateBesidePlan(); // saved under another name while it ran
        if (!m_stateMoveError.isEmpty())
            emit stateMoveFailed(m_stateMoveError);
    });
}

Workspace::~Workspace()
{
    // The document's last signals (its undo stack going) must not reach the others.
    m_document->disconnect(this);
    m_document->disconnect(m_selection);
}

LoadedPlan Workspace::read(const QString &path) const
{
    return PlanImporter::load(path == QLatin1String(kDemo) ? QString::fromLatin1(kDemoPath) : path, m_registry);
}

bool Workspace::canOpen(const LoadedPlan &loaded)
{
    return !loaded.read.hasErrors() || loaded.document.is_object();
}

bool Workspace::open(const QString &path, const LoadedPlan &loaded)
{
    Q_ASSERT(canOpen(loaded) && !m_deployment->isRunning());
    const bool demo = path == QLatin1String(kDemo);
    const bool import = loaded.isImport();
    const QString absolute = demo ? QString() : QFileInfo(path).absoluteFilePath();
    m_origin = demo ? Origin::Demo : import ? Origin::Import : Origin::File;
    m_file = m_origin == Origin::File ? absolute : QString();
    m_importedFrom = import ? absolute : QString();
    m_loadedText = import ? QByteArray::fromStdString(loaded.document.dump(2)) + '\n' : loaded.bytes;
    m_stateMovePending = false;
    m_stateMoveError.clear();
    m_loading = true;
    m_document->load(loaded.document);
    m_loading = false;
    m_selection->clear();
    // The demo's state is kept in memory only, as `fanout run demo` does; an imported file's is
    // beside it, as `fanout run FILE` keeps it.
    const bool readable = m_deployment->open(loaded.read.plan, demo ? tr("demo (built in)") : absolute,
                                             demo ? QString() : DeploymentState::defaultPath(absolute));
    emit originChanged();
    return readable;
}

void Workspace::newPlan()
{
    Q_ASSERT(!m_deployment->isRunning());
    m_origin = Origin::New;
    m_file.clear();
    m_importedFrom.clear();
    m_stateMovePending = false;
    m_stateMoveError.clear();
    m_loading = true;
    m_document->load(PlanDocument::emptyDocument());
    m_loading = false;
    m_loadedText = m_document->toText();
    m_selection->clear();
    m_deployment->open(m_document->plan(), tr("untitled (not saved)"), QString());
    emit originChanged();
}

QString Workspace::displayName() const
{
    return m_deployment->planFile();
}

void Workspace::documentChanged()
{
    // A plan with errors never reaches the deployment: the panes keep the last one without (or
    // the one opened with errors, as far as it was read), and a run never starts with errors.
    if (m_loading || m_document->hasErrors())
        return;
    m_deployment->setPlan(m_document->plan());
}

QByteArray Workspace::planText() const
{
    return m_document->undoStack()->count() == 0 ? m_loadedText : m_document->toText();
}

bool Workspace::hasUnsavedChanges() const
{
    // The demo is built in: as opened it has nothing to lose, only its edits do.
    if (m_origin == Origin::Demo)
        return m_document->isModified();
    return m_file.isEmpty() || m_document->isModified();
}

Expected<void> Workspace::saveAs(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_origin == Origin::Import && absolute == m_importedFrom)
        return unexpected(tr("%1 is the file the plan was imported from; save the plan under another name").arg(path));
    if (const Expected<void> written = AtomicFile::write(path, planText()); !written)
        return unexpected(tr("%1: %2").arg(path, written.error()));
    m_file = absolute;
    m_importedFrom.clear();
    m_origin = Origin::File;
    m_document->markSaved();
    m_deployment->setPlanFile(absolute);
    emit originChanged();
    // What was provisioned is recorded beside the plan's new file, where opening it will look.
    m_stateMoveError.clear();
    if (m_deployment->isRunning())
        m_stateMovePending = true;
    else
        keepStateBesidePlan();
    return {};
}

void Workspace::keepStateBesidePlan()
{
    m_stateMovePending = false;
    const QString statePath = DeploymentState::defaultPath(m_file);
    if (m_file.isEmpty() || m_deployment->statePath() == statePath)
        return;
    if (QFileInfo::exists(statePath) && m_deployment->deploymentState().isEmpty() && !m_deployment->hasRun()) {
        // Saved over a plan with a state of its own, and nothing recorded here: that state is the plan's.
        m_deployment->open(m_deployment->targetPlan(), m_file, statePath);
        return;
    }
    if (const Expected<void> moved = m_deployment->moveState(statePath); !moved)
        m_stateMoveError = moved.error();
}

Expected<int> Workspace::applyMapping(const nlohmann::ordered_json &rules)
{
    if (m_deployment->isRunning())
        return unexpected(tr("A run is in progress"));
    nlohmann::ordered_json document = m_document->document();
    if (!document.is_object())
        return unexpected(tr("The plan's text cannot be read again"));
    document["mapping"] = rules;
    const PlanReadResult read = PlanReader::readJson(document, m_registry);
    if (read.hasErrors()) {
        QStringList lines;
        for (const Diagnostic &d : read.diagnostics) {
            if (d.isError())
                lines.append(d.toString());
        }
        return unexpected(lines.join(QLatin1Char('\n')));
    }
    // One undoable step; the plan reaches the deployment through documentChanged().
    if (document != m_document->document()) {
        if (const Expected<void> set = m_document->setMapping(rules); !set)
            return unexpected(set.error());
    }
    int byRules = 0;
    for (const Resource &r : read.plan.resources)
        byRules += r.mappedBy.startsWith(QLatin1String("mapping[")) ? 1 : 0;
    return byRules;
}

} // namespace fanout
