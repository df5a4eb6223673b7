#pragma once

#include <QWidget>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace fanout {

class FieldEditor;
class PlanDocument;

// The plan's targets and rollout policy (docs/plan-format.md, "Targets and rollouts") in a form,
// shown with the plan's summary when nothing is selected: checked as typed the way the plan reader
// checks them (an unknown target in a wave, with a did-you-mean), each change one undoable step.
class PlanFanOutForm : public QWidget
{
    Q_OBJECT

public:
    explicit PlanFanOutForm(PlanDocument &document, QWidget *parent = nullptr);
    ~PlanFanOutForm() override;

    // The editor of "targets", "rollout.max_concurrent", "rollout.failure_tolerance",
    // "rollout.order" or "rollout.waves"; null for another path.
    FieldEditor *editor(const QString &path) const;

private:
    void load();
    void edited(FieldEditor &field);
    void commit(FieldEditor &field);
    // The plan's document with what `field` has typed in; nullopt (said beside it) when that
    // cannot be read.
    std::optional<nlohmann::ordered_json> withValueOf(FieldEditor &field) const;
    // Shows the plan reader's problems of `candidate` that are `field`'s; whether there is an error.
    bool showProblems(FieldEditor &field, const nlohmann::ordered_json &candidate) const;

    PlanDocument &m_document;
    std::vector<std::unique_ptr<FieldEditor>> m_fields;
    bool m_loading = false;
};

} // namespace fanout
