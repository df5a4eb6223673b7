#include "engine/plan/planexpansion.h"

#include "engine/plan/instanceaddress.h"
#include "engine/plan/plan.h"
#include "engine/plan/planfields.h"
#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <optional>
#include <utility>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

constexpr int kMaxSetInstances = 10'000;
const QLatin1String kReferenceOpen("${");
const QLatin1String kOutputsPart(".outputs.");

QString show(const json &value)
{
    if (value.is_object())
        return QStringLiteral("an object");
    if (value.is_array())
        return QStringLiteral("a list");
    return QString::fromStdString(value.dump());
}

QString keyText(const json &key)
{
    return key.is_string() ? QString::fromStdString(key.get<std::string>()) : QString::fromStdString(key.dump());
}

// What a set stands for: its keys (count's numbers, for_each's strings, or one null) and, for a
// per_target set, one instance per key and target.
struct SetInfo
{
    int written = -1;
    bool counted = false;
    QList<json> keys;
    QList<json> values;
    bool perTarget = false;
    QStringList ids;       // the instances, in plan order
    QList<json> idKeys;    // each instance's key
    QStringList idTargets; // each instance's target
};

// The instance being expanded: what ${count.index}, ${each...} and ${target...} stand for.
struct Instance
{
    const SetInfo *set = nullptr; // null: a resource that is no set
    json key;
    json value;
    const Target *target = nullptr;
};

class Expander
{
public:
    Expander(Plan &plan, Diagnostics &diagnostics)
        : m_plan(plan)
        , m_diagnostics(diagnostics)
    {
        for (const Target &t : plan.targets)
            m_targetNames.append(t.name);
    }

    QList<int> run()
    {
        QList<int> written;
        for (int i = 0; i < m_plan.resources.size(); ++i)
            findSet(i);
        findExplicitInstances();
        if (!m_sets.isEmpty()) {
            m_writtenIds.reserve(m_plan.resources.size());
            for (const Resource &r : std::as_const(m_plan.resources))
                m_writtenIds.insert(r.id);
        }
        if (m_sets.isEmpty()) {
            written.reserve(m_plan.resources.size());
            for (int i = 0; i < m_plan.resources.size(); ++i)
                written.append(i);
            return written;
        }
        QList<Resource> expanded;
        for (int i = 0; i < m_plan.resources.size(); ++i) {
            const Resource &r = m_plan.resources[i];
            const auto set = m_sets.constFind(r.id);
            if (set != m_sets.cend() && set->written != i) {
                // The validator sees instances' addresses, which differ: said here, as it says it.
                error(path(i, "id"), QStringLiteral("duplicate id \"%1\": %2 has it already; ids must be unique")
                                         .arg(r.id, jsonIndexPath(QStringLiteral("resources"), set->written)));
            }
            if (set == m_sets.cend() || set->written != i) {
                // No set of its own: moved, and its references to sets resolved where it has any
                // (an imported plan of 10,000 instances written one by one must stay quick).
                expanded.append(std::move(m_plan.resources[i]));
                plain(expanded.last(), i);
                written.append(i);
                if (const auto explicitly = m_explicit.constFind(i); explicitly != m_explicit.cend()) {
                    expanded.last().set = explicitly->first;
                    expanded.last().key = explicitly->second;
                }
                continue;
            }
            m_plan.sets.append(r.id);
            for (int k = 0; k < set->keys.size(); ++k) {
                Instance at{&*set, set->keys[k], set->values[k], nullptr};
                if (!set->perTarget) {
                    expanded.append(instance(r, i, at));
                    written.append(i);
                    continue;
                }
                for (const Target &target : m_plan.targets) {
                    at.target = &target;
                    expanded.append(instance(r, i, at));
                    written.append(i);
                }
            }
        }
        m_plan.resources = std::move(expanded);
        for (const QString &set : std::as_const(m_explicitSets))
            m_plan.sets.append(set);
        return written;
    }

private:
    QString path(int i, const char *field) const
    {
        return jsonMemberPath(jsonIndexPath(QStringLiteral("resources"), i), QLatin1String(field));
    }

    void error(const QString &at, const QString &message)
    {
        // Five instances with the same mistake are one mistake in the file.
        if (m_reported.contains(at + message))
            return;
        m_reported.insert(at + message);
        m_diagnostics.append(Diagnostic::error(at, message));
    }

    // Whether resource i is a set, and which keys it has; its problems are reported here.
    void findSet(int i)
    {
        const Resource &r = m_plan.resources[i];
        const bool each = !r.forEach.is_null();
        if (!r.count && !each && !r.perTarget)
            return;
        SetInfo set;
        set.written = i;
        if (r.count && each)
            error(path(i, "for_each"), QStringLiteral("a resource has either \"count\" or \"for_each\", not both; \"count\" is used"));
        if (r.count) {
            set.counted = true;
            for (int n = 0; n < *r.count; ++n) {
                set.keys.append(json(n));
                set.values.append(json());
            }
        } else if (each) {
            if (!readForEach(i, r.forEach, &set))
                return;
        } else {
            set.keys.append(json());
            set.values.append(json());
        }
        if (r.perTarget) {
            if (m_plan.targets.isEmpty())
                error(path(i, "per_target"), QStringLiteral("the plan has no \"targets\", so a per_target resource would be deployed nowhere; "
                                                            "declare them, such as \"targets\": [{\"name\": \"eu-west-1\"}], or remove \"per_target\""));
            else
                set.perTarget = true;
        }
        if (!r.count && !each && !set.perTarget)
            return;
        static const QRegularExpression addressCharacters(QStringLiteral("[\\[\\]@*]"));
        if (r.id.contains(addressCharacters)) {
            error(path(i, "id"), QStringLiteral("the id \"%1\" of a resource with count, for_each or per_target may not hold [, ], @ or *: "
                                                "its instances' addresses (%1[0], %1@eu-west-1) would be ambiguous").arg(r.id));
            return;
        }
        if (r.id.isEmpty() || m_sets.contains(r.id))
            return; // the validator reports a missing or duplicate id
        for (int k = 0; k < set.keys.size(); ++k) {
            const QList<const Target *> targets = targetsOf(set);
            for (const Target *target : targets) {
                set.ids.append(InstanceAddress::format(r.id, set.keys[k], target ? target->name : QString()));
                set.idKeys.append(set.keys[k]);
                set.idTargets.append(target ? target->name : QString());
            }
        }
        m_sets.insert(r.id, set);
    }

    // Resources written one per instance, with the instance's address as id and no count or
    // for_each of their own (an imported Terraform plan's web[0], web[1]): the instances of one
    // set, as if written with count or for_each, so that depends_on: ["web"] waits for all of
    // them and the graph stacks them. Not when a resource is written with the set's id itself.
    void findExplicitInstances()
    {
        QHash<QString, QList<int>> bySet;
        for (int i = 0; i < m_plan.resources.size(); ++i) {
            const Resource &r = m_plan.resources[i];
            if (r.count || !r.forEach.is_null() || r.perTarget || !r.id.endsWith(QLatin1Char(']')))
                continue;
            if (const auto instance = InstanceAddress::parseWritten(r.id)) {
                m_explicit.insert(i, std::pair(instance->set, instance->key));
                bySet[instance->set].append(i);
            }
        }
        if (m_explicit.isEmpty())
            return;
        QSet<QString> writtenIds;
        for (const Resource &r : std::as_const(m_plan.resources))
            writtenIds.insert(r.id);
        for (auto it = bySet.cbegin(); it != bySet.cend(); ++it) {
            const QString &name = it.key();
            if (const auto set = m_sets.constFind(name); set != m_sets.cend()) {
                for (const int i : it.value()) {
                    error(path(i, "id"), QStringLiteral("%1 is written with %2 (%3), which makes its instances; %4 cannot also be written as "
                                                        "a resource of its own")
                                             .arg(name, set->counted ? QStringLiteral("count") : QStringLiteral("for_each or per_target"),
                                                  jsonIndexPath(QStringLiteral("resources"), set->written), m_plan.resources[i].id));
                    m_explicit.remove(i);
                }
                continue;
            }
            if (writtenIds.contains(name)) { // a resource called "web" and one "web[0]": both as written
                for (const int i : it.value())
                    m_explicit.remove(i);
                continue;
            }
            SetInfo set;
            set.counted = true;
            for (const int i : it.value()) {
                const json &key = m_explicit.value(i).second;
                set.counted = set.counted && key.is_number_integer();
                set.keys.append(key);
                set.values.append(json());
                set.ids.append(m_plan.resources[i].id);
                set.idKeys.append(key);
                set.idTargets.append(QString());
            }
            m_sets.insert(name, set);
            m_explicitSets.append(name);
        }
        m_explicitSets.sort();
    }

    QList<const Target *> targetsOf(const SetInfo &set) const
    {
        if (!set.perTarget)
            return {nullptr};
        QList<const Target *> targets;
        for (const Target &t : m_plan.targets)
            targets.append(&t);
        return targets;
    }

    bool readForEach(int i, const json &value, SetInfo *set)
    {
        const QString at = path(i, "for_each");
        QSet<std::string> seen;
        if (value.is_array()) {
            for (std::size_t j = 0; j < value.size(); ++j) {
                const QString itemPath = jsonIndexPath(at, qsizetype(j));
                if (!value[j].is_string()) {
                    error(itemPath, QStringLiteral("a for_each key is a string, not %1").arg(show(value[j])));
                    return false;
                }
                const std::string &key = value[j].get_ref<const std::string &>();
                if (seen.contains(key)) {
                    error(itemPath, QStringLiteral("duplicate key \"%1\": each key names one instance, so keys must be unique").arg(QString::fromStdString(key)));
                    return false;
                }
                seen.insert(key);
                set->keys.append(value[j]);
                set->values.append(value[j]); // as Terraform: a list's value is its key
            }
        } else if (value.is_object()) {
            for (const auto &[key, member] : value.items()) {
                set->keys.append(json(key));
                set->values.append(member);
            }
        } else {
            error(at, QStringLiteral("must be a list of unique strings, such as [\"eu-west-1\", \"us-east-1\"], or an object of key -> value, not %1").arg(show(value)));
            return false;
        }
        if (set->keys.size() > kMaxSetInstances) {
            error(at, QStringLiteral("has %1 keys; a set has at most %2 instances").arg(set->keys.size()).arg(kMaxSetInstances));
            return false;
        }
        return true;
    }

    Resource instance(const Resource &written, int i, const Instance &at)
    {
        Resource r = written;
        if (at.set) {
            r.set = written.id;
            r.key = at.key;
            r.target = at.target ? at.target->name : QString();
            r.id = InstanceAddress::format(r.set, r.key, r.target);
        }
        const QString base = jsonIndexPath(QStringLiteral("resources"), i);
        if (r.name.contains(kReferenceOpen))
            r.name = text(r.name, at, path(i, "name"), false);
        r.params = substitute(written.params, at, base, true);
        if (r.destroy.is_object())
            r.destroy = substitute(written.destroy, at, path(i, "destroy"), false);
        r.dependsOn = dependencies(written.dependsOn, at, r.target, i);
        return r;
    }

    // A resource that is no set's, in place: only what refers to something is looked at again.
    void plain(Resource &r, int i)
    {
        const Instance none;
        if (r.name.contains(kReferenceOpen))
            r.name = text(r.name, none, path(i, "name"), false);
        if (hasReference(r.params))
            r.params = substitute(r.params, none, jsonIndexPath(QStringLiteral("resources"), i), true);
        if (r.destroy.is_object() && hasReference(r.destroy))
            r.destroy = substitute(r.destroy, none, path(i, "destroy"), false);
        const bool naming = std::any_of(r.dependsOn.cbegin(), r.dependsOn.cend(), [this](const QString &entry) { return !isWrittenId(entry); });
        if (naming)
            r.dependsOn = dependencies(r.dependsOn, none, QString(), i);
    }

    // The id of a resource as written that is no set (an explicit instance "web[0]" is one):
    // a dependency on it stands for itself.
    bool isWrittenId(const QString &entry) const
    {
        return m_writtenIds.contains(entry) && !m_sets.contains(entry) && !entry.contains(kReferenceOpen);
    }

    static bool hasReference(const json &value)
    {
        if (value.is_string())
            return value.get_ref<const std::string &>().find("${") != std::string::npos;
        if (value.is_structured())
            return std::any_of(value.begin(), value.end(), [](const json &member) { return hasReference(member); });
        return false;
    }

    // depends_on as written, each entry naming a set (or one of its instances) resolved to them.
    QStringList dependencies(const QStringList &written, const Instance &at, const QString &ownTarget, int i)
    {
        QStringList result;
        for (int j = 0; j < written.size(); ++j) {
            if (isWrittenId(written[j])) {
                result.append(written[j]);
                continue;
            }
            const QString entryPath = jsonIndexPath(path(i, "depends_on"), j);
            const QString entry = text(written[j], at, entryPath, false);
            QString problem;
            const std::optional<QStringList> ids = resolve(entry, ownTarget, &problem);
            if (!problem.isEmpty())
                error(entryPath, problem);
            else if (!ids)
                result.append(entry);
            else
                result.append(*ids);
        }
        return result;
    }

    json substitute(const json &value, const Instance &at, const QString &base, bool references)
    {
        if (value.is_string()) {
            const std::string &utf8 = value.get_ref<const std::string &>();
            if (utf8.find("${") == std::string::npos)
                return value;
            const QString written = QString::fromStdString(utf8);
            if (std::optional<json> whole = wholeValue(written, at))
                return *whole;
            return text(written, at, base, references).toStdString();
        }
        if (value.is_object()) {
            json result = json::object();
            for (const auto &[key, member] : value.items())
                result[key] = substitute(member, at, jsonMemberPath(base, QString::fromStdString(key)), references);
            return result;
        }
        if (value.is_array()) {
            json result = json::array();
            for (std::size_t j = 0; j < value.size(); ++j)
                result.push_back(substitute(value[j], at, jsonIndexPath(base, qsizetype(j)), references));
            return result;
        }
        return value;
    }

    // A string that is one reference and nothing else, "${count.index}", "${each.value}",
    // "${each.value.NAME}" or "${target.vars.NAME}", is that value with its JSON type, as in
    // Terraform: "fail_attempts": "${target.vars.fail}" is a number when the var is one.
    // Nullopt for anything else (then substituted as text, with any problem reported there).
    std::optional<json> wholeValue(const QString &written, const Instance &at) const
    {
        if (!written.startsWith(kReferenceOpen) || !written.endsWith(QLatin1Char('}')) || written.indexOf(QLatin1Char('}')) != written.size() - 1)
            return std::nullopt;
        const QString inner = written.mid(2, written.size() - 3);
        if (inner == QLatin1String("count.index") && at.set && at.set->counted)
            return at.key;
        if (at.set && at.key.is_string()) {
            if (inner == QLatin1String("each.value"))
                return at.value;
            if (inner.startsWith(QLatin1String("each.value.")) && at.value.is_object()) {
                if (const auto member = at.value.find(inner.mid(11).toStdString()); member != at.value.end())
                    return *member;
            }
        }
        if (at.target && inner.startsWith(QLatin1String("target.vars."))) {
            if (const auto v = at.target->vars.find(inner.mid(12).toStdString()); v != at.target->vars.end())
                return *v;
        }
        return std::nullopt;
    }

    // `written` with this instance's ${count.index}, ${each...} and ${target...} written in, and
    // references to sets' outputs resolved; "$${" and every other reference stay as written.
    QString text(const QString &written, const Instance &at, const QString &where, bool references)
    {
        QString result;
        qsizetype from = 0;
        while (from < written.size()) {
            const qsizetype open = written.indexOf(kReferenceOpen, from);
            const qsizetype close = open < 0 ? -1 : written.indexOf(QLatin1Char('}'), open + 2);
            if (close < 0)
                break;
            if (open > 0 && written[open - 1] == QLatin1Char('$')) {
                result += written.mid(from, close + 1 - from);
                from = close + 1;
                continue;
            }
            result += written.mid(from, open - from);
            const QString inner = written.mid(open + 2, close - open - 2);
            QString problem;
            const std::optional<QString> value = replacement(inner, at, references, &problem);
            if (!problem.isEmpty())
                error(where, problem);
            result += value ? *value : written.mid(open, close + 1 - open);
            from = close + 1;
        }
        result += written.mid(from);
        return result;
    }

    std::optional<QString> replacement(const QString &inner, const Instance &at, bool references, QString *problem)
    {
        const QString written = QStringLiteral("${%1}").arg(inner);
        if (inner == QLatin1String("count.index")) {
            if (at.set && at.set->counted)
                return QString::number(at.key.get<qint64>());
            *problem = QStringLiteral("%1 is known only in a resource with \"count\"").arg(written);
        } else if (inner == QLatin1String("each.key") || inner.startsWith(QLatin1String("each.value"))) {
            if (!at.set || !at.key.is_string()) {
                *problem = QStringLiteral("%1 is known only in a resource with \"for_each\"").arg(written);
            } else if (inner == QLatin1String("each.key")) {
                return keyText(at.key);
            } else if (inner == QLatin1String("each.value")) {
                return at.value.is_string() ? keyText(at.value) : QString::fromStdString(at.value.dump());
            } else if (inner.startsWith(QLatin1String("each.value."))) {
                const std::string member = inner.mid(11).toStdString();
                if (at.value.is_object() && at.value.contains(member))
                    return keyText(at.value.at(member));
                *problem = QStringLiteral("%1: the value of \"%2\" has no member \"%3\"").arg(written, keyText(at.key), QString::fromStdString(member));
            } else {
                *problem = QStringLiteral("%1 is not a reference Fanout knows; use ${each.key}, ${each.value} or ${each.value.NAME}").arg(written);
            }
        } else if (inner == QLatin1String("target.name") || inner.startsWith(QLatin1String("target.vars."))) {
            if (!at.target) {
                *problem = QStringLiteral("%1 is known only in a resource with \"per_target\": true").arg(written);
            } else if (inner == QLatin1String("target.name")) {
                return at.target->name;
            } else {
                const QString name = inner.mid(12);
                if (const auto v = at.target->vars.find(name.toStdString()); v != at.target->vars.end())
                    return keyText(*v);
                QStringList names;
                for (const auto &[key, member] : at.target->vars.items())
                    names.append(QString::fromStdString(key));
                *problem = QStringLiteral("%1: target \"%2\" has no var \"%3\"%4").arg(written, at.target->name, name, didYouMean(name, names));
            }
        } else if (references && inner.startsWith(QLatin1String("resources."))) {
            return outputReference(inner, at, problem);
        }
        return std::nullopt;
    }

    // ${resources.X.outputs.K} where X names a set: the one instance it stands for, or [*].
    std::optional<QString> outputReference(const QString &inner, const Instance &at, QString *problem)
    {
        const qsizetype outputs = inner.lastIndexOf(kOutputsPart);
        if (outputs < 0)
            return std::nullopt;
        const QString address = inner.mid(10, outputs - 10);
        const auto parsed = InstanceAddress::parse(address);
        if (!parsed)
            return std::nullopt;
        const auto set = m_sets.constFind(parsed->set);
        if (set == m_sets.cend())
            return std::nullopt;
        const QString ownTarget = at.target ? at.target->name : QString();
        const std::optional<QStringList> ids = resolve(address, ownTarget, problem);
        if (!ids || !problem->isEmpty())
            return std::nullopt;
        QString resolved;
        if (parsed->all && ids->isEmpty())
            return QString(); // the outputs of no instances, joined
        if (parsed->all) {
            // Every instance (of this target, inside a stack): the run joins their outputs.
            resolved = address;
            if (parsed->target.isEmpty() && set->perTarget && !ownTarget.isEmpty())
                resolved += QLatin1Char('@') + ownTarget;
        } else if (ids->size() == 1) {
            resolved = ids->first();
        } else {
            *problem = ids->isEmpty() ? QStringLiteral("${resources.%1...}: %1 has no instances (its count is 0)").arg(address)
                                      : QStringLiteral("${resources.%1.outputs...}: %2 is a set of %3 instances; name one (%2%4) or all (%2[*])")
                                            .arg(address, set.key(), QString::number(ids->size()),
                                                 set->keys.first().is_null() ? QStringLiteral("@") + set->idTargets.first()
                                                                             : QStringLiteral("[%1]").arg(set->keys.first().dump().c_str()));
            return std::nullopt;
        }
        return QStringLiteral("${resources.%1%2}").arg(resolved, inner.mid(outputs));
    }

    // The instances `address` stands for (seen from an instance of target `ownTarget`, if any),
    // nullopt when it names no set; `problem` says why an address of a set names none.
    std::optional<QStringList> resolve(const QString &address, const QString &ownTarget, QString *problem) const
    {
        const auto parsed = InstanceAddress::parse(address);
        if (!parsed)
            return std::nullopt;
        const auto it = m_sets.constFind(parsed->set);
        if (it == m_sets.cend())
            return std::nullopt;
        const SetInfo &set = *it;
        const bool keyed = !parsed->key.is_null();
        if (keyed && !set.keys.contains(parsed->key)) {
            *problem = keyProblem(parsed->set, set, parsed->key);
            return QStringList();
        }
        if (!parsed->target.isEmpty() && (!set.perTarget || !m_targetNames.contains(parsed->target))) {
            *problem = set.perTarget ? QStringLiteral("\"%1\": the plan has no target \"%2\"%3").arg(address, parsed->target, didYouMean(parsed->target, m_targetNames))
                                     : QStringLiteral("\"%1\": %2 is not per_target, so it has no instance per target").arg(address, parsed->set);
            return QStringList();
        }
        QStringList ids;
        for (int n = 0; n < set.ids.size(); ++n) {
            if (keyed && set.idKeys[n] != parsed->key)
                continue;
            const QString &target = parsed->target.isEmpty() && set.perTarget ? ownTarget : parsed->target;
            if (!target.isEmpty() && set.idTargets[n] != target)
                continue;
            ids.append(set.ids[n]);
        }
        return ids;
    }

    static QString keyProblem(const QString &name, const SetInfo &set, const json &key)
    {
        if (set.counted) {
            if (!key.is_number_integer())
                return QStringLiteral("%1 has count, so its instances are numbered, such as %1[0]; %1[%2] is none of them").arg(name, QString::fromStdString(key.dump()));
            if (set.keys.isEmpty())
                return QStringLiteral("%1 has no instances (its count is 0), so %1[%2] does not exist").arg(name).arg(key.get<qint64>());
            return QStringLiteral("%1 has %2 instances, %1[0] to %1[%3]; %1[%4] is not one of them")
                .arg(name).arg(set.keys.size()).arg(set.keys.size() - 1).arg(key.get<qint64>());
        }
        QStringList keys;
        for (const json &k : set.keys) {
            if (k.is_string())
                keys.append(keyText(k));
        }
        if (keys.isEmpty())
            return QStringLiteral("%1 has neither count nor for_each, so %1[%2] does not exist; write %1").arg(name, QString::fromStdString(key.dump()));
        return QStringLiteral("%1 has no key %2%3; its keys are: %4").arg(name, QString::fromStdString(key.dump()), didYouMean(keyText(key), keys), keys.join(QStringLiteral(", ")));
    }

    Plan &m_plan;
    Diagnostics &m_diagnostics;
    QStringList m_targetNames;
    QHash<QString, SetInfo> m_sets;
    QHash<int, std::pair<QString, json>> m_explicit; // resource as written -> its set and key
    QStringList m_explicitSets;
    QSet<QString> m_writtenIds; // of every resource as written, once there are sets
    QSet<QString> m_reported;
};

// "25%" -> 25 (and *percent), 3 -> 3; nullopt when it is neither in range.
std::optional<int> countOrPercent(const json &value, int min, bool *percent)
{
    *percent = false;
    if (value.is_number_integer()) {
        const qint64 n = value.get<qint64>();
        return n >= min && n <= kMaxSetInstances ? std::optional<int>(int(n)) : std::nullopt;
    }
    if (!value.is_string())
        return std::nullopt;
    static const QRegularExpression form(QStringLiteral("^(\\d{1,3})%$"));
    const QRegularExpressionMatch match = form.match(QString::fromStdString(value.get<std::string>()));
    if (!match.hasMatch())
        return std::nullopt;
    const int n = match.captured(1).toInt();
    *percent = true;
    return n >= min && n <= 100 ? std::optional<int>(n) : std::nullopt;
}

class TargetsReader
{
public:
    TargetsReader(Plan &plan, Diagnostics &diagnostics)
        : m_plan(plan)
        , m_diagnostics(diagnostics)
    {
    }

    void targets(const json &value)
    {
        const QString at = QStringLiteral("targets");
        if (!value.is_array()) {
            error(at, QStringLiteral("must be a list of targets, such as [{\"name\": \"eu-west-1\", \"vars\": {\"cidr\": \"10.1.0.0/16\"}}], not %1").arg(show(value)));
            return;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            const json &entry = value[i];
            const QString path = jsonIndexPath(at, qsizetype(i));
            if (!entry.is_object()) {
                error(path, QStringLiteral("a target is an object such as {\"name\": \"eu-west-1\"}, not %1").arg(show(entry)));
                continue;
            }
            PlanFields::check(entry, path, {QStringLiteral("name"), QStringLiteral("vars")}, QStringLiteral("a target"), m_diagnostics);
            Target target;
            const auto name = entry.find("name");
            if (name == entry.end() || !name->is_string() || name->get_ref<const std::string &>().empty()) {
                error(name == entry.end() ? path : jsonMemberPath(path, QStringLiteral("name")),
                      QStringLiteral("a target needs a \"name\", a string such as \"eu-west-1\""));
                continue;
            }
            target.name = QString::fromStdString(name->get<std::string>());
            if (m_plan.targetIndex(target.name) >= 0) {
                error(jsonMemberPath(path, QStringLiteral("name")), QStringLiteral("duplicate target \"%1\": target names must be unique").arg(target.name));
                continue;
            }
            if (const auto vars = entry.find("vars"); vars != entry.end()) {
                if (vars->is_object())
                    target.vars = *vars;
                else
                    error(jsonMemberPath(path, QStringLiteral("vars")), QStringLiteral("must be an object of values, such as {\"cidr\": \"10.1.0.0/16\"}, not %1").arg(show(*vars)));
            }
            m_plan.targets.append(target);
        }
    }

    void rollout(const json &value)
    {
        const QString at = QStringLiteral("rollout");
        if (!value.is_object()) {
            error(at, QStringLiteral("must be an object such as {\"max_concurrent\": 3, \"failure_tolerance\": 1}, not %1").arg(show(value)));
            return;
        }
        PlanFields::check(value, at, {QStringLiteral("max_concurrent"), QStringLiteral("failure_tolerance"), QStringLiteral("order"), QStringLiteral("waves")},
                          QStringLiteral("a rollout"), m_diagnostics);
        if (m_plan.targets.isEmpty())
            error(at, QStringLiteral("the plan has no \"targets\" to roll out to; declare them, such as \"targets\": [{\"name\": \"eu-west-1\"}]"));
        for (const auto &name : m_plan.targets)
            m_names.append(name.name);
        Rollout rollout;
        if (const auto it = value.find("max_concurrent"); it != value.end()) {
            if (const auto n = countOrPercent(*it, 1, &rollout.maxConcurrentIsPercent))
                rollout.maxConcurrent = *n;
            else
                error(jsonMemberPath(at, QStringLiteral("max_concurrent")), QStringLiteral("must be a whole number of targets, 1 or more, or a percentage of them from \"1%\" to \"100%\", not %1").arg(show(*it)));
        }
        if (const auto it = value.find("failure_tolerance"); it != value.end()) {
            if (const auto n = countOrPercent(*it, 0, &rollout.failureToleranceIsPercent))
                rollout.failureTolerance = *n;
            else
                error(jsonMemberPath(at, QStringLiteral("failure_tolerance")), QStringLiteral("must be a whole number of targets, 0 or more, or a percentage of them from \"0%\" to \"100%\", not %1").arg(show(*it)));
        }
        if (const auto it = value.find("order"); it != value.end())
            rollout.order = names(*it, jsonMemberPath(at, QStringLiteral("order")), false);
        if (const auto it = value.find("waves"); it != value.end())
            rollout.waves = waves(*it, jsonMemberPath(at, QStringLiteral("waves")));
        m_plan.rollout = rollout;
    }

private:
    QStringList names(const json &value, const QString &at, bool star)
    {
        QStringList result;
        if (!value.is_array()) {
            error(at, QStringLiteral("must be a list of target names, such as [\"eu-west-1\", \"us-east-1\"], not %1").arg(show(value)));
            return result;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            const QString path = jsonIndexPath(at, qsizetype(i));
            const QString name = value[i].is_string() ? QString::fromStdString(value[i].get<std::string>()) : QString();
            if (star && name == QLatin1String("*")) {
                result.append(name);
            } else if (!m_names.contains(name)) {
                error(path, value[i].is_string() ? QStringLiteral("unknown target \"%1\"%2; the targets are: %3").arg(name, didYouMean(name, m_names), m_names.join(QStringLiteral(", ")))
                                                 : QStringLiteral("a target name is a string, not %1").arg(show(value[i])));
            } else if (result.contains(name)) {
                error(path, QStringLiteral("\"%1\" is listed twice").arg(name));
            } else {
                result.append(name);
            }
        }
        return result;
    }

    QList<QStringList> waves(const json &value, const QString &at)
    {
        QList<QStringList> result;
        if (!value.is_array()) {
            error(at, QStringLiteral("must be a list of waves, each a list of target names, such as [[\"eu-west-1\"], [\"*\"]], not %1").arg(show(value)));
            return result;
        }
        QHash<QString, int> waveOf;
        for (std::size_t w = 0; w < value.size(); ++w) {
            const QString path = jsonIndexPath(at, qsizetype(w));
            const QStringList wave = names(value[w], path, true);
            for (int i = 0; i < wave.size(); ++i) {
                if (wave[i] == QLatin1String("*"))
                    continue;
                if (const auto earlier = waveOf.constFind(wave[i]); earlier != waveOf.cend())
                    error(path, QStringLiteral("target \"%1\" is in wave %2 already; a target is in one wave").arg(wave[i]).arg(*earlier + 1));
                else
                    waveOf.insert(wave[i], int(w));
            }
            result.append(wave);
        }
        return result;
    }

    void error(const QString &at, const QString &message)
    {
        m_diagnostics.append(Diagnostic::error(at, message));
    }

    Plan &m_plan;
    Diagnostics &m_diagnostics;
    QStringList m_names;
};

} // namespace

void PlanExpansion::readTargets(const nlohmann::ordered_json &document, Plan &plan, Diagnostics &diagnostics)
{
    if (!document.is_object())
        return;
    TargetsReader reader(plan, diagnostics);
    if (const auto it = document.find("targets"); it != document.end())
        reader.targets(*it);
    if (const auto it = document.find("rollout"); it != document.end())
        reader.rollout(*it);
}

QList<int> PlanExpansion::expand(Plan &plan, Diagnostics &diagnostics)
{
    return Expander(plan, diagnostics).run();
}

QString PlanExpansion::writtenPath(const QString &path, const QList<int> &written)
{
    static const QLatin1String prefix("resources[");
    if (!path.startsWith(prefix))
        return path;
    const qsizetype close = path.indexOf(QLatin1Char(']'), prefix.size());
    bool ok = false;
    const int index = path.mid(prefix.size(), close - prefix.size()).toInt(&ok);
    if (!ok || index < 0 || index >= written.size() || written[index] == index)
        return path;
    return prefix + QString::number(written[index]) + path.mid(close);
}

} // namespace fanout
