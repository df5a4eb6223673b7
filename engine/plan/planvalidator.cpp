#include "engine/plan/planvalidator.h"

#include "engine/plan/executortype.h"
#include "engine/plan/plan.h"
#include "engine/plan/planfields.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/references.h"
#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"

#include <QHash>
#include <QSet>

namespace fanout {

namespace {

class Validation
{
public:
    Validation(const Plan &plan, const ExecutorTypes &types)
        : m_plan(plan)
        , m_types(types)
    {
    }

    Diagnostics run()
    {
        if (m_plan.name.trimmed().isEmpty() && !m_plan.name.isNull())
            error(QStringLiteral("name"), QStringLiteral("the plan's name is empty"));
        if (m_plan.parallelism < 1)
            error(QStringLiteral("parallelism"), QStringLiteral("must be at least 1"));
        if (m_plan.resources.isEmpty())
            warning(QStringLiteral("resources"), QStringLiteral("the plan has no resources, so a run does nothing"));

        QStringList groupNames;
        QSet<QString> groupSet; // thousands of module instances make thousands of groups
        for (const Group &group : m_plan.groups) {
            groupNames.append(group.name);
            groupSet.insert(group.name);
        }

        QHash<QString, int> firstWithId;
        QStringList ids;
        for (int i = 0; i < m_plan.resources.size(); ++i) {
            const QString &id = m_plan.resources[i].id;
            if (id.isEmpty())
                continue;
            if (const auto it = firstWithId.constFind(id); it != firstWithId.cend()) {
                error(field(i, "id"), QStringLiteral("duplicate id \"%1\": %2 has it already; ids must be unique")
                                          .arg(id, jsonIndexPath(QStringLiteral("resources"), *it)));
            } else {
                firstWithId.insert(id, i);
                ids.append(id);
            }
        }

        for (int i = 0; i < m_plan.resources.size(); ++i)
            checkResource(i, firstWithId, ids, groupNames, groupSet);

        checkCycles(firstWithId);
        return m_diagnostics;
    }

private:
    void checkResource(int i, const QHash<QString, int> &firstWithId, const QStringList &ids, const QStringList &groupNames,
                       const QSet<QString> &groupSet)
    {
        const Resource &r = m_plan.resources[i];
        const QString path = jsonIndexPath(QStringLiteral("resources"), i);
        if (r.id.isEmpty())
            error(path, QStringLiteral("the resource has no \"id\"; every resource needs a unique one"));

        if (r.type.isEmpty()) {
            error(path, QStringLiteral("the resource has no \"type\"; say which executor provisions it: %1").arg(m_types.types().join(QStringLiteral(", "))));
        } else if (const ExecutorType *executor = m_types.findType(r.type)) {
            executor->validate(r.params, path, m_diagnostics);
            // What is neither a resource's own field nor its executor's would be ignored by a run.
            const QStringList known = executor->parameterNames();
            for (const auto &[key, value] : r.params.items()) {
                if (const QString name = QString::fromStdString(key); !known.contains(name)) {
                    m_diagnostics.append(PlanFields::unknownField(jsonMemberPath(path, name), name, known + PlanFields::resourceFields(),
                                                                  QStringLiteral("a resource of type %1").arg(r.type)));
                }
            }
        } else {
            error(field(i, "type"), QStringLiteral("unknown type \"%1\"%2; the types are: %3")
                                        .arg(r.type, didYouMean(r.type, m_types.types()), m_types.types().join(QStringLiteral(", "))));
            // Without an executor its fields are unknowable, but a misspelt common field is not.
            for (const auto &[key, value] : r.params.items()) {
                const QString name = QString::fromStdString(key);
                if (!closestMatch(name, PlanFields::resourceFields()).isEmpty())
                    m_diagnostics.append(PlanFields::unknownField(jsonMemberPath(path, name), name, PlanFields::resourceFields(), QStringLiteral("a resource")));
            }
        }

        checkDestroy(i);
        checkReferences(i, r.params, path, false, ids);
        if (r.destroy.is_object())
            checkReferences(i, r.destroy, field(i, "destroy"), true, ids);

        if (!r.group.isEmpty() && !groupSet.contains(r.group)) {
            error(field(i, "group"), QStringLiteral("unknown group \"%1\"%2; declare it under \"groups\" first")
                                         .arg(r.group, didYouMean(r.group, groupNames)));
        }

        QSet<QString> listed;
        for (int j = 0; j < r.dependsOn.size(); ++j) {
            const QString &dep = r.dependsOn[j];
            const QString depPath = jsonIndexPath(field(i, "depends_on"), j);
            if (dep.isEmpty()) {
                error(depPath, QStringLiteral("an empty id; name the resource this one waits for"));
            } else if (dep == r.id) {
                error(depPath, QStringLiteral("\"%1\" depends on itself; remove this entry").arg(dep));
            } else if (!firstWithId.contains(dep)) {
                const QString match = closestMatch(dep, ids);
                error(depPath, match.isEmpty()
                                   ? QStringLiteral("unknown dependency \"%1\": no resource has this id").arg(dep)
                                   : QStringLiteral("unknown dependency \"%1\"; did you mean \"%2\"?").arg(dep, match));
            } else if (listed.contains(dep)) {
                warning(depPath, QStringLiteral("\"%1\" is listed twice").arg(dep));
            }
            listed.insert(dep);
        }
    }

    // A destroy action is checked like a resource of its type: {"type": ..., its parameters}.
    void checkDestroy(int i)
    {
        const Resource &r = m_plan.resources[i];
        if (!r.destroy.is_object())
            return;
        const QString path = field(i, "destroy");
        QString type = r.type;
        nlohmann::ordered_json params = r.destroy;
        if (const auto t = params.find("type"); t != params.end()) {
            if (!t->is_string()) {
                error(jsonMemberPath(path, QStringLiteral("type")), QStringLiteral("must be a string naming an executor"));
                return;
            }
            type = QString::fromStdString(t->get<std::string>());
            params.erase(t);
        }
        const ExecutorType *executor = m_types.findType(type);
        if (!executor) {
            if (!type.isEmpty())
                error(jsonMemberPath(path, QStringLiteral("type")), QStringLiteral("unknown type \"%1\"%2; the types are: %3")
                                                                     .arg(type, didYouMean(type, m_types.types()), m_types.types().join(QStringLiteral(", "))));
            return;
        }
        executor->validate(params, path, m_diagnostics);
        PlanFields::check(params, path, executor->parameterNames(), QStringLiteral("a destroy action of type %1").arg(type), m_diagnostics);
    }

    // Every ${...} must stand for something: a resource's output, a variable, an environment
    // variable that is set; ${self.outputs.KEY} only where the resource's own outputs are known.
    void checkReferences(int i, const nlohmann::ordered_json &params, const QString &base, bool destroy, const QStringList &ids)
    {
        const Resource &r = m_plan.resources[i];
        References::find(params, base, [&](const QString &path, const Reference *reference, const QString &problem) {
            if (!reference) {
                error(path, problem);
                return;
            }
            switch (reference->kind) {
            case Reference::Kind::Output:
                if (destroy)
                    error(path, QStringLiteral("%1: a destroy action may use ${self.outputs.KEY}, ${var.NAME} and ${env:NAME}, not other resources' outputs").arg(reference->text));
                else if (reference->resource == r.id)
                    error(path, QStringLiteral("%1 refers to the resource itself; use ${self.outputs.%2} (in \"wait\" or \"destroy\")").arg(reference->text, reference->name));
                else if (!ids.contains(reference->resource) && References::referred(m_plan, reference->resource).isEmpty())
                    error(path, QStringLiteral("%1: no resource has the id \"%2\"%3").arg(reference->text, reference->resource, didYouMean(reference->resource, ids)));
                break;
            case Reference::Kind::Variable:
                if (m_plan.variableIndex(reference->name) < 0) {
                    QStringList names;
                    for (const Variable &v : m_plan.variables)
                        names.append(v.name);
                    error(path, QStringLiteral("%1: the plan has no variable \"%2\"%3; declare it under \"variables\"").arg(reference->text, reference->name, didYouMean(reference->name, names)));
                }
                break;
            case Reference::Kind::Environment:
                if (!qEnvironmentVariableIsSet(reference->name.toLocal8Bit().constData()))
                    error(path, QStringLiteral("%1: the environment variable %2 is not set; set it before running Fanout").arg(reference->text, reference->name));
                break;
            case Reference::Kind::SelfOutput:
                if (const QString wait = jsonMemberPath(base, QStringLiteral("wait"));
                    !destroy && path != wait && !path.startsWith(wait + QLatin1Char('.')))
                    error(path, QStringLiteral("%1: a resource's own outputs are known only in \"wait\" and \"destroy\"").arg(reference->text));
                break;
            }
        });
    }

    void checkCycles(const QHash<QString, int> &firstWithId)
    {
        const PlanGraph graph(m_plan);
        if (graph.isAcyclic())
            return;
        for (const QList<int> &cycle : graph.cycles()) {
            QStringList names;
            for (const int r : cycle)
                names.append(m_plan.resources[r].id);
            // Point at the first edge of the cycle: cycle[0] depends on cycle[1].
            const Resource &first = m_plan.resources[cycle[0]];
            const QString &next = m_plan.resources[cycle[1]].id;
            int entry = 0;
            while (entry < first.dependsOn.size() && firstWithId.value(first.dependsOn[entry], -1) != cycle[1])
                ++entry;
            error(jsonIndexPath(field(cycle[0], "depends_on"), entry),
                  QStringLiteral("dependency cycle: %1; none of these can start, so remove one of the dependencies (such as this one, on \"%2\")")
                      .arg(names.join(QStringLiteral(" -> ")), next));
        }
    }

    static QString field(int resource, const char *name)
    {
        return jsonMemberPath(jsonIndexPath(QStringLiteral("resources"), resource), QString::fromLatin1(name));
    }
    void error(const QString &path, const QString &message)
    {
        m_diagnostics.append(Diagnostic::error(path, message));
    }
    void warning(const QString &path, const QString &message)
    {
        m_diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, path, 0, 0, message});
    }

    const Plan &m_plan;
    const ExecutorTypes &m_types;
    Diagnostics m_diagnostics;
};

} // namespace

Diagnostics PlanValidator::validate(const Plan &plan, const ExecutorTypes &types)
{
    return Validation(plan, types).run();
}

} // namespace fanout
