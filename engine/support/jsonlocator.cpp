#include "engine/support/jsonlocator.h"

#include <nlohmann/json.hpp>

#include <QList>

namespace fanout {

namespace {

bool isPlainKey(const QString &key)
{
    if (key.isEmpty() || !(key[0].isLetter() || key[0] == QLatin1Char('_')))
        return false;
    for (const QChar c : key) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('_')))
            return false;
    }
    return true;
}

// Plans are shallow (kMaxJsonDepth); paths of deeper values are never asked for, and building
// them would cost time and memory quadratic in the depth of a pathological file.
// One pass over a JSON text, recording where each path starts: an object member's at its key,
// an array element's at its first character. It reads text that is not valid JSON too, as it is
// asked where the problems of such text are.
class PathScanner
{
public:
    PathScanner(const std::string &text, QHash<QString, JsonLocator::Location> &locations, QList<JsonLocator::Duplicate> &duplicates)
        : m_text(text)
        , m_locations(locations)
        , m_duplicates(duplicates)
    {
    }

    void scan()
    {
        const std::size_t size = m_text.size();
        while (m_i < size) {
            const char c = m_text[m_i];
            switch (c) {
            case ' ': case '\t': case '\r': case '\n': case ':':
                advance(1);
                break;
            case ',':
                nextElement();
                break;
            case '{':
            case '[':
                open(c == '{');
                break;
            case '}':
            case ']':
                if (!m_stack.isEmpty())
                    m_stack.removeLast();
                advance(1);
                break;
            case '"':
                string();
                break;
            default:
                valuePath();
                while (m_i < size && !QByteArrayView(",]} \t\r\n").contains(m_text[m_i]))
                    advance(1);
                break;
            }
        }
    }

private:
    struct Frame
    {
        bool object = false;
        QString path;
        qsizetype index = 0;
        bool expectKey = false;
        QString key;
    };

    void advance(std::size_t count)
    {
        const std::size_t size = m_text.size();
        for (std::size_t k = 0; k < count && m_i < size; ++k, ++m_i) {
            const auto c = static_cast<unsigned char>(m_text[m_i]);
            if (c == '\n') {
                ++m_here.line;
                m_here.column = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++m_here.column;
            }
        }
    }

    // The path of a value that starts now, recorded for array elements (object members were
    // recorded at their key).
    QString valuePath()
    {
        if (m_stack.isEmpty() || m_stack.size() > kMaxJsonDepth)
            return QString();
        Frame &top = m_stack.last();
        if (top.object)
            return jsonMemberPath(top.path, top.key);
        const QString path = jsonIndexPath(top.path, top.index);
        m_locations.insert(path, m_here);
        return path;
    }

    QString readString()
    {
        const std::size_t size = m_text.size();
        const std::size_t start = m_i;
        advance(1); // opening quote
        bool escaped = false;
        while (m_i < size) {
            const char c = m_text[m_i];
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                advance(1);
                break;
            }
            advance(1);
        }
        const std::string raw = m_text.substr(start, m_i - start);
        if (raw.find('\\') == std::string::npos)
            return QString::fromUtf8(raw.data() + 1, qsizetype(raw.size()) - 2);
        try {
            return QString::fromStdString(nlohmann::ordered_json::parse(raw).get<std::string>());
        } catch (const nlohmann::ordered_json::exception &) {
            return QString::fromUtf8(raw.data() + 1, qsizetype(raw.size()) - 2);
        }
    }

    // A comma: the next member's key, or the next element.
    void nextElement()
    {
        if (!m_stack.isEmpty()) {
            if (m_stack.last().object)
                m_stack.last().expectKey = true;
            else
                ++m_stack.last().index;
        }
        advance(1);
    }

    void open(bool object)
    {
        Frame frame;
        frame.path = valuePath();
        frame.object = object;
        frame.expectKey = frame.object;
        m_stack.append(frame);
        advance(1);
    }

    // A key, recorded where it starts, or a string value.
    void string()
    {
        if (!m_stack.isEmpty() && m_stack.last().object && m_stack.last().expectKey) {
            Frame &top = m_stack.last();
            const JsonLocator::Location keyLocation = m_here;
            top.key = readString();
            top.expectKey = false;
            if (m_stack.size() <= kMaxJsonDepth) {
                // Every path names one place, so a path seen before is a member seen before.
                const QString path = jsonMemberPath(top.path, top.key);
                if (const auto earlier = m_locations.constFind(path); earlier != m_locations.cend())
                    m_duplicates.append(JsonLocator::Duplicate{path, top.key, keyLocation, *earlier});
                m_locations.insert(path, keyLocation);
            }
        } else {
            valuePath();
            readString();
        }
    }

    const std::string &m_text;
    QHash<QString, JsonLocator::Location> &m_locations;
    QList<JsonLocator::Duplicate> &m_duplicates;
    QList<Frame> m_stack;
    JsonLocator::Location m_here{1, 1};
    std::size_t m_i = 0;
};

} // namespace

QString jsonMemberPath(const QString &base, const QString &key)
{
    if (isPlainKey(key))
        return base.isEmpty() ? key : base + QLatin1Char('.') + key;
    QString quoted = key;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return base + QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
}

QString jsonIndexPath(const QString &base, qsizetype index)
{
    return base + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

JsonLocator::JsonLocator(std::string text)
    : m_text(std::move(text))
{
}

std::optional<JsonLocator::Location> JsonLocator::locate(const QString &path)
{
    if (!m_indexed)
        index();
    const auto it = m_locations.constFind(path);
    if (it == m_locations.cend())
        return std::nullopt;
    return *it;
}

JsonLocator::Location JsonLocator::locationOfOffset(std::size_t offset) const
{
    Location location{1, 1};
    const std::size_t end = std::min(offset, m_text.size());
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(m_text[i]);
        if (c == '\n') {
            ++location.line;
            location.column = 1;
        } else if ((c & 0xC0) != 0x80) { // count characters, not UTF-8 continuation bytes
            ++location.column;
        }
    }
    return location;
}

const QList<JsonLocator::Duplicate> &JsonLocator::duplicates()
{
    if (!m_indexed)
        index();
    return m_duplicates;
}

void JsonLocator::index()
{
    m_indexed = true;
    PathScanner(m_text, m_locations, m_duplicates).scan();
}

std::optional<std::size_t> jsonNestedTooDeep(const std::string &text, int limit)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::nullopt;
}

} // namespace fanout
