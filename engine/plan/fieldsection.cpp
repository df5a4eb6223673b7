#include "engine/plan/fieldsection.h"

#include <algorithm>

namespace fanout {

namespace {

using Kind = FieldDescription::Kind;
using Placeholder = FieldDescription::Placeholder;

FieldSection general()
{
    return {
        .title = QStringLiteral("General"),
        .fields = {
            {.path = QStringLiteral("name"), .label = QStringLiteral("Name"), .what = QStringLiteral("the name"),
             .help = QStringLiteral("A display name. Empty: the id."), .placeholderFrom = Placeholder::ResourceId},
            {.path = QStringLiteral("group"), .kind = Kind::Choice, .label = QStringLiteral("Group"), .what = QStringLiteral("the group"),
             .help = QStringLiteral("A group declared under \"groups\" of the plan. Empty: none."), .placeholder = QStringLiteral("none"),
             .openChoice = true, .choicesAreGroups = true},
            {.path = QStringLiteral("timeout"), .kind = Kind::Duration, .label = QStringLiteral("Timeout"), .what = QStringLiteral("the timeout"),
             .help = FieldDescription::durationHelp(QStringLiteral("How long one attempt may take"), QStringLiteral("the plan's default, or no limit")),
             .placeholder = QStringLiteral("none"), .placeholderFrom = Placeholder::PlanDefault},
            {.path = QStringLiteral("estimate"), .kind = Kind::Duration, .label = QStringLiteral("Estimate"), .what = QStringLiteral("the estimate"),
             .help = FieldDescription::durationHelp(QStringLiteral("How long an attempt is expected to take (the scheduler starts the longest paths first)"),
                                                    QStringLiteral("the executor's guess")),
             .placeholderFrom = Placeholder::Estimate},
            {.path = QStringLiteral("run"), .kind = Kind::Flag, .label = QStringLiteral("Run this resource"), .what = QStringLiteral("whether it runs"),
             .help = QStringLiteral("Unchecked: shown on the graph but never provisioned; it counts as done for what depends on it."),
             .defaultValue = true},
            {.path = QStringLiteral("note"), .label = QStringLiteral("Note"), .what = QStringLiteral("the note"),
             .help = QStringLiteral("Why it does not run, or may not; shown in the Inspector and the run's journal."), .placeholder = QStringLiteral("none")},
        },
    };
}

// count, for_each and per_target (docs/plan-format.md, "count, for_each and targets").
FieldSection fanOut()
{
    return {
        .title = QStringLiteral("Fan-out"),
        .fields = {
            {.path = QStringLiteral("count"), .kind = Kind::Number, .label = QStringLiteral("Count"), .what = QStringLiteral("the count"),
             .help = QStringLiteral("Deploy this many instances, id[0], id[1]...: a whole number from 0 to 10000; ${count.index} "
                                    "is each one's number. Empty: one resource, no instances."),
             .placeholder = QStringLiteral("none (one resource)"), .minimum = 0, .maximum = 10000, .wholeNumber = true},
            {.path = QStringLiteral("for_each"), .kind = Kind::JsonValue, .label = QStringLiteral("For each"), .what = QStringLiteral("for_each"),
             .help = QStringLiteral("One instance per key, id[\"key\"]: a list of strings such as [\"logs\", \"assets\"], or an object "
                                    "of key to value such as {\"logs\": {\"days\": 30}}; ${each.key} and ${each.value} are each one's. "
                                    "Not together with Count. Empty: none."),
             .placeholder = QStringLiteral("none")},
            {.path = QStringLiteral("per_target"), .kind = Kind::Flag, .label = QStringLiteral("Deploy once per target"),
             .what = QStringLiteral("whether it is deployed per target"),
             .help = QStringLiteral("Checked: part of the stack deployed to each of the plan's targets (id@target), which sees "
                                    "${target.name} and ${target.vars.X}; the plan's rollout says in which order. The plan needs targets."),
             .defaultValue = false},
        },
    };
}

FieldSection retry()
{
    return {
        .title = QStringLiteral("Retry"),
        .fields = {
            {.path = QStringLiteral("retry.max_attempts"), .kind = Kind::Number, .label = QStringLiteral("Attempts"), .what = QStringLiteral("the attempts"),
             .help = QStringLiteral("Attempts in all, the first included: a whole number from 1 to 1000. 1 means no automatic retry."),
             .placeholder = QStringLiteral("1 (no retry)"), .placeholderFrom = Placeholder::PlanDefault, .defaultValue = 1,
             .minimum = 1, .maximum = 1000, .wholeNumber = true},
            {.path = QStringLiteral("retry.backoff.initial"), .kind = Kind::Duration, .label = QStringLiteral("First wait"),
             .what = QStringLiteral("the first retry wait"),
             .help = FieldDescription::durationHelp(QStringLiteral("The wait before the second attempt"), QStringLiteral("1s")),
             .placeholderFrom = Placeholder::PlanDefault, .defaultValue = "1s"},
            {.path = QStringLiteral("retry.backoff.max"), .kind = Kind::Duration, .label = QStringLiteral("Longest wait"),
             .what = QStringLiteral("the longest retry wait"),
             .help = FieldDescription::durationHelp(QStringLiteral("The longest wait between attempts"), QStringLiteral("1m")),
             .placeholderFrom = Placeholder::PlanDefault, .defaultValue = "1m", .claims = {QStringLiteral("retry.backoff")}},
            {.path = QStringLiteral("retry.backoff.multiplier"), .kind = Kind::Number, .label = QStringLiteral("Multiplier"),
             .what = QStringLiteral("the backoff multiplier"),
             .help = QStringLiteral("Each wait is this many times the one before, up to the longest: a number from 1 to 100. Empty: 2."),
             .placeholderFrom = Placeholder::PlanDefault, .defaultValue = 2, .minimum = 1, .maximum = 100},
            {.path = QStringLiteral("retry.jitter"), .kind = Kind::Number, .label = QStringLiteral("Jitter"), .what = QStringLiteral("the retry jitter"),
             .help = QStringLiteral("Each wait varies randomly by up to this fraction either way (0.2: ±20%): a number from 0 to 1. Empty: 0."),
             .placeholderFrom = Placeholder::PlanDefault, .defaultValue = 0, .minimum = 0, .maximum = 1, .claims = {QStringLiteral("retry")}},
        },
    };
}

} // namespace

const FieldDescription &FieldSection::field(const QString &path) const
{
    const auto it = std::find_if(fields.cbegin(), fields.cend(), [&](const FieldDescription &f) { return f.path == path; });
    Q_ASSERT(it != fields.cend());
    return *it;
}

QStringList FieldSection::parameterNames() const
{
    QStringList names;
    for (const FieldDescription &f : fields) {
        if (const QString name = f.parameter(); !names.contains(name))
            names.append(name);
    }
    return names;
}

QStringList FieldSection::memberNames(const QString &parameter) const
{
    const QString prefix = parameter + QLatin1Char('.');
    QStringList names;
    for (const FieldDescription &f : fields) {
        if (f.path.startsWith(prefix)) {
            if (const QString name = f.path.mid(prefix.size()).section(QLatin1Char('.'), 0, 0); !names.contains(name))
                names.append(name);
        }
    }
    return names;
}

const QList<FieldSection> &FieldSection::commonSections()
{
    static const QList<FieldSection> sections = {general(), fanOut(), retry()};
    return sections;
}

} // namespace fanout
