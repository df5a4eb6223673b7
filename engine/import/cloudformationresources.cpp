#include "engine/import/cloudformationresources.h"

#include "engine/support/jsonlocator.h"

#include <utility>

namespace fanout::cloudformation {

namespace {

// Far beyond CloudFormation's own limit of 500; Fn::ForEach loops inside loops could otherwise
// make a small template expand without end.
constexpr qsizetype kMaxResources = 10'000;

const QString kForEachForm = QStringLiteral("expected [Identifier, [Value1, Value2], {LogicalId${Identifier}: {Type: ...}}] for Fn::ForEach");

} // namespace

Resources::Resources(const Declarations &declarations, Report &report)
    : m_declarations(declarations)
    , m_report(report)
{
}

void Resources::collect(const json &resources)
{
    collect(resources, QStringLiteral("Resources"), Bindings());
}

QString Resources::unexpandedLoopOf(const QString &name) const
{
    for (const UnexpandedLoop &loop : m_loops) {
        for (const QRegularExpression &pattern : loop.patterns) {
            if (pattern.match(name).hasMatch())
                return loop.address;
        }
    }
    return QString();
}

bool Resources::wellFormedLoop(const json &loop, const QString &path, Report &report)
{
    if (!loop.is_array() || loop.size() != 3) {
        report.error(path, QStringLiteral("%1, not %2").arg(kForEachForm, describe(loop)));
        return false;
    }
    if (!loop[0].is_string() || loop[0].get_ref<const std::string &>().empty()) {
        report.error(jsonIndexPath(path, 0), QStringLiteral("expected the loop's identifier, a name such as Identifier, not %1").arg(describe(loop[0])));
        return false;
    }
    if (!loop[2].is_object()) {
        report.error(jsonIndexPath(path, 2), QStringLiteral("expected a mapping of logical ids such as Bucket${Identifier} to resources, not %1").arg(describe(loop[2])));
        return false;
    }
    return true;
}

void Resources::collect(const json &fragment, const QString &path, const Bindings &bindings)
{
    for (auto it = fragment.begin(); it != fragment.end(); ++it) {
        const QString key = qstring(it.key());
        const QString entryPath = jsonMemberPath(path, key);
        if (isForEach(key)) {
            collectLoop(key, it.value(), entryPath, bindings);
            continue;
        }
        Entry entry;
        entry.address = substituted(key, bindings);
        entry.path = entryPath;
        entry.definition = &it.value();
        entry.bindings = bindings;
        add(std::move(entry));
    }
}

void Resources::collectLoop(const QString &key, const json &loop, const QString &path, const Bindings &bindings)
{
    if (!wellFormedLoop(loop, path, m_report))
        return;
    const QString identifier = qstring(loop[0].get_ref<const std::string &>());
    const auto values = collectionValues(loop[1], bindings);
    if (!values) {
        addUnexpandedLoop(key, loop, path, bindings);
        return;
    }
    for (const QString &value : *values) {
        if (m_tooMany)
            return;
        if (++m_copies > kMaxResources) {
            m_tooMany = true;
            m_report.error(path, QStringLiteral("the loops make more than %1 copies of their resources (CloudFormation allows 500 resources); "
                                                "the rest are not read").arg(kMaxResources));
            return;
        }
        Bindings inner = bindings;
        inner.append({identifier, value});
        collect(loop[2], jsonIndexPath(path, 2), inner);
    }
}

// A loop whose values are known only when deploying: one resource for all its copies, which
// references to any of its logical ids depend on.
void Resources::addUnexpandedLoop(const QString &key, const json &loop, const QString &path, const Bindings &bindings)
{
    Entry entry;
    entry.loop = true;
    entry.loopName = substituted(key, bindings);
    entry.address = entry.loopName;
    for (int n = 2; m_index.contains(entry.address); ++n)
        entry.address = entry.loopName + QStringLiteral(" (%1)").arg(n);
    entry.path = path;
    entry.definition = &loop;
    entry.bindings = bindings;
    loopLogicalIds(loop[2], bindings, entry.logicalIds);
    m_report.warning(jsonIndexPath(path, 1),
                     QStringLiteral("Fanout cannot know the values of this collection before deploying (it expands a list, a Ref to a "
                                    "parameter with a Default, or a Fn::FindInMap of known keys); the loop's resources are imported as one resource, \"%1\"").arg(entry.address));
    UnexpandedLoop unexpanded;
    unexpanded.address = entry.address;
    for (const QString &logicalId : std::as_const(entry.logicalIds))
        unexpanded.patterns.append(logicalIdPattern(logicalId));
    m_loops.append(unexpanded);
    add(std::move(entry));
}

void Resources::loopLogicalIds(const json &fragment, const Bindings &bindings, QStringList &ids)
{
    for (auto it = fragment.begin(); it != fragment.end(); ++it) {
        const QString key = qstring(it.key());
        if (!isForEach(key))
            ids.append(substituted(key, bindings));
        else if (it.value().is_array() && it.value().size() == 3 && it.value()[2].is_object())
            loopLogicalIds(it.value()[2], bindings, ids);
    }
}

QRegularExpression Resources::logicalIdPattern(const QString &logicalId)
{
    static const QRegularExpression placeholder(QStringLiteral("[$&]\\{[^}]*\\}"));
    QString pattern;
    qsizetype from = 0;
    for (auto it = placeholder.globalMatch(logicalId); it.hasNext();) {
        const auto match = it.next();
        pattern += QRegularExpression::escape(logicalId.mid(from, match.capturedStart() - from)) + QStringLiteral(".+");
        from = match.capturedEnd();
    }
    pattern += QRegularExpression::escape(logicalId.mid(from));
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

// The values of a loop's collection when the template says them: a list, a Ref to a parameter
// with a Default, or a Fn::FindInMap whose keys are known.
std::optional<QStringList> Resources::collectionValues(const json &collection, const Bindings &bindings) const
{
    if (collection.is_array()) {
        QStringList values;
        for (const json &element : collection) {
            const auto value = resolvedText(element, bindings);
            if (!value)
                return std::nullopt;
            values.append(*value);
        }
        return values;
    }
    if (!collection.is_object() || collection.size() != 1)
        return std::nullopt;
    const std::string &function = collection.begin().key();
    const json &argument = collection.begin().value();
    const json *mappings = m_declarations.mappings;
    if (function == "Ref" && argument.is_string()) {
        const QString name = qstring(argument.get_ref<const std::string &>());
        if (const auto d = m_declarations.parameterDefaults.constFind(name); d != m_declarations.parameterDefaults.cend())
            return listOf(**d);
    } else if (function == "Fn::FindInMap" && argument.is_array() && argument.size() >= 3 && mappings && mappings->is_object()) {
        const auto map = resolvedText(argument[0], bindings);
        const auto top = resolvedText(argument[1], bindings);
        const auto second = resolvedText(argument[2], bindings);
        if (!map || !top || !second)
            return std::nullopt;
        const auto m = mappings->find(map->toStdString());
        if (m == mappings->end() || !m->is_object())
            return std::nullopt;
        const auto t = m->find(top->toStdString());
        if (t == m->end() || !t->is_object())
            return std::nullopt;
        const auto s = t->find(second->toStdString());
        if (s == t->end())
            return std::nullopt;
        return listOf(*s);
    }
    return std::nullopt;
}

std::optional<QString> Resources::resolvedText(const json &value, const Bindings &bindings) const
{
    if (value.is_string())
        return substituted(qstring(value.get_ref<const std::string &>()), bindings);
    if (const auto text = scalarText(value))
        return text;
    const auto r = value.is_object() && value.size() == 1 ? value.find("Ref") : value.end();
    if (r != value.end() && r->is_string()) {
        const QString name = qstring(r->get_ref<const std::string &>());
        for (const auto &[identifier, v] : bindings) {
            if (identifier == name)
                return v;
        }
        if (const auto d = m_declarations.parameterDefaults.constFind(name); d != m_declarations.parameterDefaults.cend())
            return scalarText(**d);
    }
    return std::nullopt;
}

// A list, or a comma-separated string as a CommaDelimitedList parameter's Default gives it.
std::optional<QStringList> Resources::listOf(const json &value)
{
    QStringList values;
    if (value.is_array()) {
        for (const json &element : value) {
            const auto text = scalarText(element);
            if (!text)
                return std::nullopt;
            values.append(*text);
        }
        return values;
    }
    if (!value.is_string())
        return std::nullopt;
    const QString text = qstring(value.get_ref<const std::string &>());
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            values.append(part.trimmed());
    }
    return values;
}

void Resources::add(Entry entry)
{
    if (m_tooMany)
        return;
    if (m_entries.size() >= kMaxResources) {
        m_tooMany = true;
        m_report.error(entry.path, QStringLiteral("the template makes more than %1 resources (CloudFormation allows 500); the rest are not read").arg(kMaxResources));
        return;
    }
    if (m_index.contains(entry.address)) {
        m_report.error(entry.path, QStringLiteral("this makes a second resource with the logical id \"%1\"; logical ids must be unique").arg(entry.address));
        return;
    }
    m_index.insert(entry.address, int(m_entries.size()));
    m_entries.append(std::move(entry));
}

} // namespace fanout::cloudformation
