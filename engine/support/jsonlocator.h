#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <string>

namespace fanout {

// Paths name a place in a JSON document the way messages show it: resources[3].depends_on[1],
// groups["rds-api"].limit. An empty path is the document itself.
QString jsonMemberPath(const QString &base, const QString &key);
QString jsonIndexPath(const QString &base, qsizetype index);

// How deep Fanout reads JSON and YAML documents (plans, state files, imports). Copying and
// destroying a JSON value recurses in nlohmann/json, so that a hostile file could otherwise exhaust
// the stack; a plan is never nested anywhere near this deep.
constexpr int kMaxJsonDepth = 64;

// Where a JSON text nests deeper than `limit`, if it does. Copying and destroying such a value
// recurses in nlohmann/json, so a hostile file could otherwise exhaust the stack: check first.
std::optional<std::size_t> jsonNestedTooDeep(const std::string &text, int limit);

// "object", "array", "string", "number"...: what a message says a value is, for nlohmann::json
// and nlohmann::ordered_json alike.
template<typename Json>
QString jsonTypeName(const Json &value)
{
    return QString::fromLatin1(value.type_name());
}

// Finds where in a JSON text a path is, so that messages can say "plan.json:12:7". nlohmann/json
// keeps no positions, so the text is scanned once, on the first question; valid plans never pay.
class JsonLocator
{
public:
    struct Location
    {
        int line = 0;   // 1-based
        int column = 0; // 1-based, in characters
    };

    explicit JsonLocator(std::string text);

    const std::string &text() const { return m_text; }

    // Where the value at `path` starts; for an object member, where its key starts.
    std::optional<Location> locate(const QString &path);

    // Line and column of a 0-based byte offset into the text.
    Location locationOfOffset(std::size_t offset) const;

    // A member an object of the text has twice: JSON parsers keep one of them (nlohmann/json the
    // last) without a word. `at` is the later key, `first` the earlier.
    struct Duplicate
    {
        QString path;
        QString key;
        Location at;
        Location first;
    };
    // In text order; locate() then finds the later of each.
    const QList<Duplicate> &duplicates();

private:
    void index();

    std::string m_text;
    bool m_indexed = false;
    QHash<QString, Location> m_locations;
    QList<Duplicate> m_duplicates;
};

} // namespace fanout
