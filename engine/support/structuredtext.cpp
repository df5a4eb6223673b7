#include "engine/support/structuredtext.h"

#include "engine/support/jsonlocator.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// Aliases can make a small YAML file expand into a huge document ("billion laughs"); nothing real
// comes near this many values.
constexpr std::size_t kMaxYamlValues = 10'000'000;

Diagnostic errorAt(int line, int column, const QString &message)
{
    return Diagnostic{Diagnostic::Severity::Error, QString(), line, column, message};
}

// nlohmann/json reports the last byte it read (1-based), which for an unexpected token is its end;
// a person looks for the token's start.
std::size_t tokenStart(const std::string &text, std::size_t byte, const QString &message)
{
    if (text.empty())
        return 0;
    std::size_t at = std::min(byte > 0 ? byte - 1 : 0, text.size() - 1);
    auto partOfLiteral = [&](std::size_t i) {
        const char c = text[i];
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' || (c & 0x80);
    };
    if (byte > text.size())
        return text.size(); // the end of the input
    if (text[at] == '"' && message.contains(QLatin1String("unexpected string literal"))) {
        while (at > 0) {
            --at;
            if (text[at] == '"' && (at == 0 || text[at - 1] != '\\'))
                break;
        }
        return at;
    }
    if (!partOfLiteral(at) && at > 0 && partOfLiteral(at - 1) && message.contains(QLatin1String("invalid literal")))
        --at;
    if (partOfLiteral(at)) {
        while (at > 0 && partOfLiteral(at - 1))
            --at;
    }
    return at;
}

// YAML 1.2's core schema for plain (unquoted, untagged) scalars. yes/no/on/off stay strings, as
// YAML 1.2 and the tools that read Compose files and CloudFormation templates have them.
json plainScalar(const std::string &s)
{
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
        return nullptr;
    if (s == "true" || s == "True" || s == "TRUE")
        return true;
    if (s == "false" || s == "False" || s == "FALSE")
        return false;
    const char first = s[0];
    if (std::isdigit(static_cast<unsigned char>(first)) || ((first == '-' || first == '+') && s.size() > 1)) {
        try {
            std::size_t used = 0;
            const long long i = std::stoll(s, &used, 10);
            if (used == s.size())
                return i;
        } catch (...) {
        }
        try {
            std::size_t used = 0;
            const double d = std::stod(s, &used);
            if (used == s.size())
                return d;
        } catch (...) {
        }
    }
    return s;
}

class YamlConverter
{
public:
    YamlConverter(StructuredText::YamlTags tags, QHash<QString, std::pair<int, int>> &places)
        : m_tags(tags), m_places(places)
    {
    }

    std::optional<Diagnostic> problem;

    json convert(const YAML::Node &node, const QString &path, int depth)
    {
        if (problem)
            return nullptr;
        if (depth > kMaxJsonDepth) {
            fail(node, QStringLiteral("nested more than %1 levels deep; a plan never needs that, so this is not read").arg(kMaxJsonDepth));
            return nullptr;
        }
        if (++m_values > kMaxYamlValues) {
            fail(node, QStringLiteral("expands to more than %1 values through its aliases; this is not read").arg(kMaxYamlValues));
            return nullptr;
        }
        const YAML::Mark mark = node.Mark();
        if (!m_places.contains(path))
            m_places.insert(path, {mark.line + 1, mark.column + 1});
        const std::string &tag = node.Tag();
        if (m_tags == StructuredText::YamlTags::CloudFormation && tag.size() > 1 && tag[0] == '!' && tag[1] != '!') {
            const std::string name = tag.substr(1);
            const std::string key = name == "Ref" || name == "Condition" ? name : "Fn::" + name;
            // The value lives under the long form's key: `!GetAtt [A, B]` at X is {"Fn::GetAtt": [A, B]},
            // so A is at X["Fn::GetAtt"][0], which is where importers look for it.
            const QString inner = jsonMemberPath(path, QString::fromStdString(key));
            if (!m_places.contains(inner))
                m_places.insert(inner, {mark.line + 1, mark.column + 1});
            json wrapped = json::object();
            wrapped[key] = plain(node, inner, depth + 1);
            return wrapped;
        }
        return plain(node, path, depth);
    }

private:
    json plain(const YAML::Node &node, const QString &path, int depth)
    {
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            // "?" is the tag of a plain scalar; quoted ones ("!") and explicitly tagged ones are strings.
            return node.Tag() == "?" ? plainScalar(node.Scalar()) : json(node.Scalar());
        case YAML::NodeType::Sequence: {
            json array = json::array();
            std::size_t i = 0;
            for (const YAML::Node &element : node)
                array.push_back(convert(element, jsonIndexPath(path, qsizetype(i++)), depth + 1));
            return array;
        }
        case YAML::NodeType::Map: {
            json object = json::object();
            std::vector<YAML::Node> merges;
            for (const auto &entry : node) {
                const YAML::Node &key = entry.first;
                if (!key.IsScalar()) {
                    fail(key, QStringLiteral("a mapping key must be a plain value, not a list or a mapping"));
                    return nullptr;
                }
                const std::string name = key.Scalar();
                if (name == "<<" && key.Tag() == "?") {
                    merges.push_back(entry.second);
                    continue;
                }
                const QString memberPath = jsonMemberPath(path, QString::fromStdString(name));
                const YAML::Mark keyMark = key.Mark();
                if (!m_places.contains(memberPath)) // a key's place is where a person looks for its value
                    m_places.insert(memberPath, {keyMark.line + 1, keyMark.column + 1});
                object[name] = convert(entry.second, memberPath, depth + 1);
            }
            // Merge keys (<<: *base, or <<: [*a, *b]) supply what the mapping does not say itself;
            // of several, the first wins.
            for (const YAML::Node &merge : merges) {
                std::vector<YAML::Node> sources;
                if (merge.IsSequence()) {
                    for (const YAML::Node &s : merge)
                        sources.push_back(s);
                } else {
                    sources.push_back(merge);
                }
                for (const YAML::Node &source : sources) {
                    if (!source.IsMap()) {
                        fail(source, QStringLiteral("a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults"));
                        return nullptr;
                    }
                    // Under this mapping's path: merged members are placed where the anchor wrote them.
                    const json merged = convert(source, path, depth + 1);
                    if (!merged.is_object())
                        continue;
                    for (const auto &[k, v] : merged.items()) {
                        if (!object.contains(k))
                            object[k] = v;
                    }
                }
            }
            return object;
        }
        }
        return nullptr;
    }

    void fail(const YAML::Node &node, const QString &message)
    {
        if (problem)
            return;
        const YAML::Mark mark = node.Mark();
        problem = errorAt(mark.line + 1, mark.column + 1, message);
    }

    StructuredText::YamlTags m_tags;
    QHash<QString, std::pair<int, int>> &m_places;
    std::size_t m_values = 0;
};

} // namespace

StructuredText::StructuredText() = default;
StructuredText::~StructuredText() = default;
StructuredText::StructuredText(StructuredText &&) noexcept = default;
StructuredText &StructuredText::operator=(StructuredText &&) noexcept = default;

namespace {

// Whether some object of valid JSON `text` has a member twice, which parsing lost: the keys of
// the text, counted in one quick pass, outnumber the members of the document. (A parser callback
// that remembered each object's keys made reading a 20,000-resource plan a third slower.)
std::size_t keysOf(const std::string &text)
{
    std::size_t keys = 0;
    const std::size_t size = text.size();
    for (std::size_t i = 0; i < size; ++i) {
        if (text[i] != '"')
            continue;
        for (++i; i < size && text[i] != '"'; ++i) {
            if (text[i] == '\\')
                ++i;
        }
        std::size_t next = i + 1;
        while (next < size && (text[next] == ' ' || text[next] == '\t' || text[next] == '\n' || text[next] == '\r'))
            ++next;
        if (next < size && text[next] == ':')
            ++keys;
    }
    return keys;
}

std::size_t membersOf(const json &value)
{
    std::size_t members = 0;
    if (value.is_object()) {
        members += value.size();
        for (const auto &[key, member] : value.items())
            members += member.is_structured() ? membersOf(member) : 0;
    } else if (value.is_array()) {
        for (const json &element : value)
            members += element.is_structured() ? membersOf(element) : 0;
    }
    return members;
}

// The path of what holds the value at `path`: "resources[2]" for "resources[2].command",
// "groups" for "groups[\"db\"]"; empty for a top-level member.
QString parentPath(const QString &path)
{
    if (path.endsWith(QLatin1Char(']'))) {
        // ["key"] may hold brackets and dots of its own: its opening is the last `["` or `[digit`.
        const qsizetype quoted = path.endsWith(QLatin1String("\"]")) ? path.lastIndexOf(QLatin1String("[\""), path.size() - 2) : -1;
        const qsizetype open = quoted >= 0 ? quoted : path.lastIndexOf(QLatin1Char('['));
        return open > 0 ? path.left(open) : QString();
    }
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot > 0 ? path.left(dot) : QString();
}

} // namespace

StructuredText StructuredText::parseJson(std::string text, Duplicates duplicates)
{
    StructuredText result;
    result.m_json = std::make_unique<JsonLocator>(std::move(text));
    const std::string &t = result.m_json->text();
    if (const auto at = jsonNestedTooDeep(t, kMaxJsonDepth)) {
        const auto where = result.m_json->locationOfOffset(*at);
        result.m_diagnostics.append(errorAt(where.line, where.column,
                                            QStringLiteral("nested more than %1 levels deep; a plan never needs that, so this is not read").arg(kMaxJsonDepth)));
        return result;
    }
    try {
        result.m_document = json::parse(t);
    } catch (const json::exception &e) {
        const JsonSyntaxError error = describeJsonError(*result.m_json, e);
        result.m_diagnostics.append(errorAt(error.line, error.column, QStringLiteral("not valid JSON: %1").arg(error.message)));
        return result;
    }
    if (keysOf(t) != membersOf(result.m_document)) {
        const auto severity = duplicates == Duplicates::Error ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning;
        for (const JsonLocator::Duplicate &d : result.m_json->duplicates()) {
            result.m_diagnostics.append(Diagnostic{severity, d.path, d.at.line, d.at.column,
                                                   QStringLiteral("a second \"%1\" in the same object (line %2 has the first); JSON keeps only "
                                                                  "one of them, so remove the other")
                                                       .arg(d.key)
                                                       .arg(d.first.line)});
        }
    }
    result.m_ok = true;
    return result;
}

StructuredText::JsonSyntaxError StructuredText::describeJsonError(const JsonLocator &locator, const nlohmann::json::exception &exception)
{
    const auto *error = dynamic_cast<const json::parse_error *>(&exception);
    if (!error) {
        // Not a syntax error but a value nlohmann/json cannot hold, such as 1e400 (out_of_range):
        // nlohmann says nowhere where it is.
        QString what = QString::fromUtf8(exception.what());
        if (const qsizetype close = what.indexOf(QLatin1String("] ")); close >= 0)
            what = what.mid(close + 2);
        return {1, 1, what};
    }
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
    // error while parsing ..."; keep the explanation and give the place our own way.
    QString what = QString::fromUtf8(error->what());
    if (const qsizetype colon = what.indexOf(QStringLiteral(": ")); colon >= 0)
        what = what.mid(colon + 2);
    const std::string &text = locator.text();
    std::size_t at = tokenStart(text, error->byte, what);
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    // A comma before the "]" or "}" that was not expected: JSON allows none after the last item.
    if (at < text.size() && (text[at] == ']' || text[at] == '}')) {
        std::size_t before = at;
        while (before > 0 && isSpace(text[before - 1]))
            --before;
        if (before > 0 && text[before - 1] == ',') {
            const auto where = locator.locationOfOffset(before - 1);
            return {where.line, where.column,
                    QStringLiteral("a trailing comma: JSON allows no comma after the last %1; remove it")
                        .arg(text[at] == ']' ? QStringLiteral("item of a list") : QStringLiteral("member of an object"))};
        }
    }
    if (std::all_of(text.begin(), text.end(), isSpace))
        return {1, 1, QStringLiteral("there is nothing in it (the file is empty)")};
    // Cut short: nothing but spaces from where the error is to the end of the text.
    std::size_t rest = std::min(at, text.size());
    while (rest < text.size() && isSpace(text[rest]))
        ++rest;
    const bool atEnd = rest == text.size();
    if (atEnd) {
        what += what.contains(QLatin1String("expected")) ? QStringLiteral(" (the text ends too soon, as if cut short)")
                                                         : QStringLiteral("; more was expected, but the text ends too soon, as if cut short");
    }
    at = std::min(at, text.size());
    const auto where = locator.locationOfOffset(at);
    return {where.line, where.column, what};
}

StructuredText StructuredText::parseYaml(const std::string &text, YamlTags tags)
{
    StructuredText result;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception &e) {
        result.m_diagnostics.append(errorAt(e.mark.line + 1, e.mark.column + 1,
                                            QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.msg))));
        return result;
    }
    QHash<QString, std::pair<int, int>> places;
    try {
        YamlConverter converter(tags, places);
        json document = converter.convert(root, QString(), 0);
        if (converter.problem) {
            result.m_diagnostics.append(*converter.problem);
            return result;
        }
        result.m_document = std::move(document);
    } catch (const YAML::Exception &e) {
        result.m_diagnostics.append(errorAt(e.mark.line + 1, e.mark.column + 1,
                                            QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.msg))));
        return result;
    }
    for (auto it = places.cbegin(); it != places.cend(); ++it)
        result.m_yamlPlaces.insert(it.key(), Place{it.value().first, it.value().second});
    result.m_ok = true;
    return result;
}

void StructuredText::place(Diagnostics &diagnostics) const
{
    for (Diagnostic &d : diagnostics) {
        if (d.path.isEmpty() || d.line > 0)
            continue;
        // What is missing has no place of its own ("resources[2].command" when there is no
        // command): it is given the place of what should hold it, the resource.
        for (QString path = d.path; !path.isEmpty(); path = parentPath(path)) {
            if (m_json) {
                if (const auto where = m_json->locate(path)) {
                    d.line = where->line;
                    d.column = where->column;
                    break;
                }
            } else if (const auto it = m_yamlPlaces.constFind(path); it != m_yamlPlaces.cend()) {
                d.line = it->line;
                d.column = it->column;
                break;
            }
        }
    }
}

} // namespace fanout
