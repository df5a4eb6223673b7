#pragma once

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

// One field of a resource, described once for everyone who needs it: the executor that checks it,
// the plan validator that knows which fields exist, and the Inspector that builds an editor for it
// (ui/inspector/fieldeditor.h). The engine links no Gui, so this is data: a kind, words and rules.
// Members are written with designated initializers, in this order:
//
//   {.path = QStringLiteral("failure_rate"), .kind = FieldDescription::Kind::Number, ...}
struct FieldDescription
{
    // How a value is written in the plan, and so how the form edits it.
    enum class Kind {
        Text,            // a string; an empty field leaves the member out
        Duration,        // "30s", "5m", "1m30s" or a number of seconds
        DurationOrRange, // a duration, or [min, max] drawn from at each attempt
        Number,
        Flag,            // true or false: a check box whose text is the label
        Choice,          // one of `choices` (any text, with `openChoice`)
        StringList,      // ["a", "b"]: a row each, in order
        NameValueMap,    // {"NAME": "value"}: a row each
        JsonValue,       // any JSON value, edited as JSON text
        Command,         // a program and its arguments, or one command line for a shell (see `switchesCommand`)
        NumberList,      // [200, 201], typed "200, 201"
    };
    // What an empty field shows, besides `placeholder`.
    enum class Placeholder {
        Fixed,       // `placeholder`, else the default value
        PlanDefault, // the plan's "defaults" at the same path ("10m (plan default)"), else as Fixed
        ResourceId,  // the resource's id (a name left empty is the id)
        Estimate,    // what the executor expects an attempt to take
    };

    QString path{};            // members from the resource, dot-separated: "request.url"
    Kind kind = Kind::Text;
    QString label{};           // "URL"; for a flag, its check box's text
    QString what{};            // "the URL": for messages and undo steps ("Change the URL of api")
    QString help{};            // the tooltip: what it is, how to write it, what empty means
    QString unit{};            // shown after the value ("ms", "connections"); empty for none
    QString placeholder{};     // what an empty field shows; empty: the default value
    Placeholder placeholderFrom = Placeholder::Fixed;
    QString secondPlaceholder{}; // a range's maximum, a map's value column, a command's one line
    QString secondHelp{};      // the tooltip of a range's maximum, or of a command's one line
    QString addText{};         // the Add button of a list or map ("Add header")
    QString itemName{};        // an element in messages ("Argument 2 is empty"); empty: "Entry"
    QStringList choices{};
    bool openChoice = false;       // any text may be typed; the choices are suggestions
    bool choicesAreGroups = false; // the choices are the plan's groups
    nlohmann::ordered_json defaultValue{}; // what leaving it out means; null when nothing
    bool required = false;
    std::optional<double> minimum{}; // for numbers, and for each number of a list
    std::optional<double> maximum{};
    bool wholeNumber = false;
    bool jsonOnly = false;     // edited in the JSON tab only (nested objects): the form shows no editor
    QString switchesCommand{}; // a flag: the path of the Command field it turns between a list and one line
    QStringList claims{};      // paths whose problems this field shows ("request": it has no "url")

    // The resource member the field is in: "request" for "request.url".
    QString parameter() const;
    // Whether `value` is a number this field takes: whole when it must be, within its range.
    bool acceptsNumber(const nlohmann::ordered_json &value) const;
    // The default as text: "1s", "0", "GET"; empty when there is none.
    QString defaultText() const;

    // "What: a duration such as 250ms, 30s, 5m, 1h or 1m30s, or a number of seconds. Empty: X.":
    // the help of every duration field.
    static QString durationHelp(const QString &what, const QString &whenEmpty);
};

} // namespace fanout
