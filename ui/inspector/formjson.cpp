#include "ui/inspector/formjson.h"

#include "engine/support/structuredtext.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

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
    // Read as a plan is read: the same places and words for a syntax error, and a value
    // nlohmann/json cannot hold (1e999) is an error too, never an exception.
    const StructuredText read = StructuredText::parseJson(text.toStdString());
    if (read.ok()) {
        *parsed = read.document();
        return QString();
    }
    const Diagnostic &error = read.diagnostics().constFirst();
    QString why = error.message;
    if (why.startsWith(QLatin1String("not valid JSON: ")))
        why = why.mid(16);
    return QStringLiteral("%1:%2: %3").arg(error.line).arg(error.column).arg(why);
}

bool isPathUnder(const QString &path, const QString &base)
{
    return path == base || (path.startsWith(base)
                            && (path[base.size()] == QLatin1Char('.') || path[base.size()] == QLatin1Char('[')));
}

} // namespace fanout
