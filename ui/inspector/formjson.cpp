#include "ui/inspector/formjson.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace fanout {

using json = nlohmann::ordered_json;

namespace {

QStringList keysOf(const QString &path)
{
    return path.split(QLatin1Char('.'));
}

} // namespace

QString displayText(const json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>())
                             : QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

const json *valueAt(const json &object, const QString &path)
{
    const json *at = &object;
    for (const QString &key : keysOf(path)) {
        if (!at->is_object())
            return nullptr;
        const auto it = at->find(key.toStdString());
        if (it == at->end())
            return nullptr;
        at = &*it;
    }
    return at;
}

json *valueAt(json &object, const QString &path)
{
    return const_cast<json *>(valueAt(std::as_const(object), path));
}

void putAt(json &object, const QString &path, const std::optional<json> &value)
{
    const QStringList keys = keysOf(path);
    if (value) {
        json *at = &object;
        for (int i = 0; i < keys.size() - 1; ++i) {
            json &next = (*at)[keys[i].toStdString()];
            if (!next.is_object())
                next = json::object();
            at = &next;
        }
        (*at)[keys.last().toStdString()] = *value;
        return;
    }
    std::vector<json *> chain{&object};
    for (int i = 0; i < keys.size() - 1; ++i) {
        json *at = chain.back();
        const auto it = at->find(keys[i].toStdString());
        if (!at->is_object() || it == at->end() || !it->is_object())
            return;
        chain.push_back(&*it);
    }
    if (!chain.back()->is_object())
        return;
    chain.back()->erase(keys.last().toStdString());
    for (int i = int(chain.size()) - 1; i > 0 && chain[size_t(i)]->empty(); --i)
        chain[size_t(i) - 1]->erase(keys[i - 1].toStdString());
}

std::optional<json> numberOrText(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    bool ok = false;
    if (const qlonglong n = t.toLongLong(&ok); ok)
        return json(n);
    if (const double d = t.toDouble(&ok); ok)
        return json(d);
    return json(t.toStdString());
}

QString jsonSyntaxError(const QString &text, json *parsed)
{
    const std::string bytes = text.toStdString();
    try {
        *parsed = json::parse(bytes);
        return QString();
    } catch (const json::parse_error &e) {
        const std::size_t offset = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, bytes.size()) : 0;
        const std::string before = bytes.substr(0, offset);
        const int line = int(std::count(before.begin(), before.end(), '\n')) + 1;
        const std::size_t lineStart = before.rfind('\n');
        const int column = int(QString::fromStdString(before.substr(lineStart == std::string::npos ? 0 : lineStart + 1)).size()) + 1;
        QString why = QString::fromUtf8(e.what());
        // "[json.exception.parse_error.101] parse error at line 3, column 7: syntax error ..."
        if (const int colon = why.indexOf(QLatin1String(": ")); colon >= 0)
            why = why.mid(colon + 2);
        return QStringLiteral("%1:%2: %3").arg(line).arg(column).arg(why);
    }
}

bool isPathUnder(const QString &path, const QString &base)
{
    return path == base || (path.startsWith(base)
                            && (path[base.size()] == QLatin1Char('.') || path[base.size()] == QLatin1Char('[')));
}

} // namespace fanout
