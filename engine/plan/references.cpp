#include "engine/plan/references.h"

#include "engine/plan/instanceaddress.h"
#include "engine/plan/plan.h"
#include "engine/support/jsonlocator.h"

namespace fanout {

namespace {

const QLatin1String kOpen("${");
const QLatin1String kEscapedOpen("$${");
const QLatin1String kResources("resources.");
const QLatin1String kOutputs(".outputs.");
const QLatin1String kVar("var.");
const QLatin1String kEnv("env:");
const QLatin1String kSelf("self.outputs.");

bool isName(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('_') && c != QLatin1Char('-'))
            return false;
    }
    return true;
}

// Parses what stands between "${" and "}".
std::optional<Reference> parse(const QString &inner, QString *problem)
{
    Reference reference;
    reference.text = QStringLiteral("${%1}").arg(inner);
    if (inner.startsWith(kResources)) {
        // Ids may contain dots (Terraform addresses): the key follows the last ".outputs.".
        const qsizetype at = inner.lastIndexOf(kOutputs);
        if (at > kResources.size()) {
            reference.kind = Reference::Kind::Output;
            reference.resource = inner.mid(kResources.size(), at - kResources.size());
            reference.name = inner.mid(at + kOutputs.size());
            if (isName(reference.name))
                return reference;
        }
    } else if (inner.startsWith(kVar)) {
        reference.kind = Reference::Kind::Variable;
        reference.name = inner.mid(kVar.size());
        if (isName(reference.name))
            return reference;
    } else if (inner.startsWith(kEnv)) {
        reference.kind = Reference::Kind::Environment;
        reference.name = inner.mid(kEnv.size());
        if (isName(reference.name))
            return reference;
    } else if (inner.startsWith(kSelf)) {
        reference.kind = Reference::Kind::SelfOutput;
        reference.name = inner.mid(kSelf.size());
        if (isName(reference.name))
            return reference;
    }
    if (inner.startsWith(QLatin1String("count.")) || inner.startsWith(QLatin1String("each.")) || inner.startsWith(QLatin1String("target."))) {
        *problem = QStringLiteral("%1 is known only in a resource with \"count\" (${count.index}), \"for_each\" (${each.key}, ${each.value}) "
                                  "or \"per_target\" (${target.name}, ${target.vars.NAME})").arg(reference.text);
        return std::nullopt;
    }
    *problem = QStringLiteral("\"%1\" is not a reference Fanout knows; use ${resources.ID.outputs.KEY}, ${var.NAME}, "
                              "${env:NAME} or ${self.outputs.KEY} (write $${ for a literal ${)")
                   .arg(reference.text);
    return std::nullopt;
}

// Walks the references in `text`: `onText` gets the literal pieces, `onReference` each reference
// (or a problem, such as an unterminated "${").
template<typename OnText, typename OnReference>
void scan(const QString &text, OnText onText, OnReference onReference)
{
    qsizetype from = 0;
    while (from < text.size()) {
        const qsizetype escaped = text.indexOf(kEscapedOpen, from);
        const qsizetype open = text.indexOf(kOpen, from);
        if (open < 0) {
            onText(text.mid(from));
            return;
        }
        if (escaped >= 0 && escaped + 1 == open) {
            onText(text.mid(from, escaped - from) + kOpen);
            from = open + kOpen.size();
            continue;
        }
        onText(text.mid(from, open - from));
        const qsizetype close = text.indexOf(QLatin1Char('}'), open + kOpen.size());
        if (close < 0) {
            onReference(nullptr, QStringLiteral("\"%1\" has no closing \"}\"").arg(text.mid(open)));
            return;
        }
        QString problem;
        const auto reference = parse(text.mid(open + kOpen.size(), close - open - kOpen.size()), &problem);
        onReference(reference ? &*reference : nullptr, problem);
        from = close + 1;
    }
}

} // namespace

void References::find(const nlohmann::ordered_json &value, const QString &path, const Visitor &visit)
{
    if (value.is_string()) {
        const std::string &utf8 = value.get_ref<const std::string &>();
        if (utf8.find("${") == std::string::npos)
            return;
        const QString text = QString::fromStdString(utf8);
        scan(text, [](const QString &) {}, [&](const Reference *reference, const QString &problem) { visit(path, reference, problem); });
    } else if (value.is_object()) {
        for (const auto &[key, member] : value.items())
            find(member, jsonMemberPath(path, QString::fromStdString(key)), visit);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            find(value[i], jsonIndexPath(path, qsizetype(i)), visit);
    }
}

QString References::substitute(const QString &text, const Lookup &lookup, QStringList *errors)
{
    if (!text.contains(kOpen))
        return text;
    QString result;
    scan(
        text, [&](const QString &piece) { result += piece; },
        [&](const Reference *reference, const QString &problem) {
            if (!reference) {
                errors->append(problem);
                return;
            }
            if (const Expected<QString> value = lookup(*reference))
                result += *value;
            else
                errors->append(value.error());
        });
    return result;
}

nlohmann::ordered_json References::substitute(const nlohmann::ordered_json &value, const Lookup &lookup, QStringList *errors)
{
    if (value.is_string())
        return substitute(QString::fromStdString(value.get<std::string>()), lookup, errors).toStdString();
    if (value.is_object()) {
        nlohmann::ordered_json result = nlohmann::ordered_json::object();
        for (const auto &[key, member] : value.items())
            result[key] = substitute(member, lookup, errors);
        return result;
    }
    if (value.is_array()) {
        nlohmann::ordered_json result = nlohmann::ordered_json::array();
        for (const auto &member : value)
            result.push_back(substitute(member, lookup, errors));
        return result;
    }
    return value;
}

nlohmann::ordered_json References::bind(const nlohmann::ordered_json &value, const Binding &bound)
{
    if (value.is_structured()) {
        nlohmann::ordered_json result = value;
        for (auto &member : result)
            member = bind(member, bound);
        return result;
    }
    if (!value.is_string() || value.get_ref<const std::string &>().find("${") == std::string::npos)
        return value;
    const auto escape = [](QString text) { return text.replace(kOpen, kEscapedOpen); };
    QString result;
    bool problem = false;
    scan(
        QString::fromStdString(value.get<std::string>()), [&](const QString &piece) { result += escape(piece); },
        [&](const Reference *reference, const QString &) {
            if (!reference) {
                problem = true;
                return;
            }
            const std::optional<QString> written = bound(*reference);
            result += written ? escape(*written) : reference->text;
        });
    return problem ? value : nlohmann::ordered_json(result.toStdString());
}

void References::addImpliedDependencies(Plan &plan)
{
    for (Resource &resource : plan.resources) {
        find(resource.params, QString(), [&](const QString &, const Reference *reference, const QString &) {
            if (!reference || reference->kind != Reference::Kind::Output || reference->resource == resource.id)
                return;
            if (!reference->resource.contains(QLatin1String("[*]"))) {
                if (!resource.dependsOn.contains(reference->resource) && plan.indexOf(reference->resource) >= 0)
                    resource.dependsOn.append(reference->resource);
                return;
            }
            for (const int i : referred(plan, reference->resource)) {
                if (!resource.dependsOn.contains(plan.resources[i].id))
                    resource.dependsOn.append(plan.resources[i].id);
            }
        });
    }
}

QList<int> References::referred(const Plan &plan, const QString &resource)
{
    if (const int i = plan.indexOf(resource); i >= 0)
        return {i};
    const auto address = InstanceAddress::parse(resource);
    if (!address || !address->all)
        return {};
    QList<int> instances = plan.instancesOf(address->set);
    if (!address->target.isEmpty())
        instances.removeIf([&](int i) { return plan.resources[i].target != address->target; });
    return instances;
}

QString References::mask(QString text, const QStringList &secrets)
{
    for (const QString &secret : secrets) {
        if (!secret.isEmpty())
            text.replace(secret, QStringLiteral("****"));
    }
    return text;
}

} // namespace fanout
