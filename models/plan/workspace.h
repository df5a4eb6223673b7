#pragma once

#include "engine/import/planimporter.h"
#include "engine/support/expected.h"

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

class Deployment;
class ExecutorRegistry;
class PlanDocument;
class ResourceSelection;

// The plan open in the dashboard, and everything that belongs to it, in one place: its document
// (what Save writes, with the one undo stack), where it came from (a plan file, an imported file,
// the built-in demo, or nothing yet), its deployment (the state file and the runs) and the
// selection every pane shares. The window and the panes read these facts here and nowhere else.
//
// Every edit of the document that leaves the plan free of errors reaches the deployment (during a
// run, the next run's plan); the state file is read when a plan is opened, never on an edit.
class Workspace : public QObject
{
    Q_OBJECT

public:
    enum class Origin : quint8 {
        New,    // File → New Plan: not saved yet
        File,   // a Fanout plan file, saved where it is
        Import, // another tool's file, imported and not saved as a plan yet
        Demo,   // the built-in demo: its state is kept in memory only
    };

    explicit Workspace(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~Workspace() override;

    const ExecutorRegistry &registry() const { return m_registry; }
    PlanDocument &document() const { return *m_document; }
    Deployment &deployment() const { return *m_deployment; }
    ResourceSelection &selection() const { return *m_selection; }

    // Reads what open() would open: a plan file (or "demo") as it is, another tool's file imported
    // on the way, as `fanout import` does. Nothing changes; errors stop it from opening.
    LoadedPlan read(const QString &path) const;
    // Opens what read() gave for `path`: the plan, with its state file beside it (an imported
    // file's beside the source, as `fanout run FILE` keeps it; the demo's in memory only). False
    // when the state file cannot be read: the plan is open, but it cannot run (stateError()).
    // A plan with errors opens as far as it could be read, for its errors to be fixed in the
    // designer (the document's diagnostics list them); nothing runs until they are. Only what
    // canOpen() accepts.
    bool open(const QString &path, const LoadedPlan &loaded);
    // Whether open() can show `loaded`: a document was read (JSON, YAML or an import), with or
    // without errors in the plan it holds; a file that cannot be read or parsed cannot be shown.
    static bool canOpen(const LoadedPlan &loaded);
    // An empty plan, "untitled", not saved.
    void newPlan();

    Origin origin() const { return m_origin; }
    QString file() const { return m_file; }                 // the plan file; empty unless Origin::File
    QString importedFrom() const { return m_importedFrom; } // the source file of Origin::Import
    // What reports and messages call the plan: its file, "demo (built in)", "untitled (not saved)".
    QString displayName() const;

    // What Save writes: the file's own text until the plan is edited (for an import, the plan as
    // `fanout import` writes it), then the edited document.
    QByteArray planText() const;
    bool hasUnsavedChanges() const; // edited, or never saved as a plan file (the demo only when edited)
    // Writes the plan to `path`, which is then its file; never over the file it was imported from.
    // The deployment state moves beside the new file (where opening it looks), once any run is over.
    Expected<void> saveAs(const QString &path);
    // Set when the state could not follow the plan on the last save: why, for the user.
    QString stateMoveError() const { return m_stateMoveError; }

    // Replaces the plan's "mapping" with `rules` as one undoable step, after checking that the plan
    // reads without errors with them; how many resources the rules then provision.
    Expected<int> applyMapping(const nlohmann::ordered_json &rules);

signals:
    // Opened, created, or saved under another name or kind.
    void originChanged();
    // Saved under another name during a run, the state could not move beside the plan's new
    // file once the run was over: why. (A save between runs says it in stateMoveError() at once.)
    void stateMoveFailed(const QString &error);

private:
    void documentChanged();
    void keepStateBesidePlan();

    const ExecutorRegistry &m_registry;
    PlanDocument *m_document;
    Deployment *m_deployment;
    ResourceSelection *m_selection;
    Origin m_origin = Origin::New;
    QString m_file;
    QString m_importedFrom;
    QByteArray m_loadedText; // the plan's text as opened: what Save writes until it is edited
    QString m_stateMoveError;
    bool m_loading = false;          // the document is being replaced: open() shows it itself
    bool m_stateMovePending = false; // saved under another name during a run: the state follows after it
};

} // namespace fanout
