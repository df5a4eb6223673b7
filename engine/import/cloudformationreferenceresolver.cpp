#include "engine/import/cloudformationreferenceresolver.h"

#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"

namespace fanout::cloudformation {

namespace {

const QStringList kPseudoParameters = {
    QStringLiteral("AWS::AccountId"), QStringLiteral("AWS::NotificationARNs"), QStringLiteral("AWS::NoValue"),
    QStringLiteral("AWS::Partition"), QStringLiteral("AWS::Region"), QStringLiteral("AWS::StackId"),
    QStringLiteral("AWS::StackName"), QStringLiteral("AWS::URLSuffix")};

// The intrinsic functions of resource definitions (those of Rules are not read).
const QStringList kFunctions = {
    QStringLiteral("Fn::Base64"), QStringLiteral("Fn::Cidr"), QStringLiteral("Fn::FindInMap"), QStringLiteral("Fn::GetAtt"),
    QStringLiteral("Fn::GetAZs"), QStringLiteral("Fn::ImportValue"), QStringLiteral("Fn::Join"), QStringLiteral("Fn::Select"),
    QStringLiteral("Fn::Split"), QStringLiteral("Fn::Sub"), QStringLiteral("Fn::Transform"), QStringLiteral("Fn::If"),
    QStringLiteral("Fn::And"), QStringLiteral("Fn::Equals"), QStringLiteral("Fn::Not"), QStringLiteral("Fn::Or"),
    QStringLiteral("Fn::Length"), QStringLiteral("Fn::ToJsonString")};

// Functions whose argument is a list of so many values; CloudFormation refuses other lengths.
struct Arity
{
    const char *function;
    std::size_t least;
    std::size_t most;
    const char *example;
};
const Arity kArities[] = {
    {"Fn::Join", 2, 2, "[\",\", [!Ref A, !Ref B]]"},
    {"Fn::Select", 2, 2, "[0, !GetAZs '']"},
    {"Fn::Split", 2, 2, "[\",\", !Ref List]"},
    {"Fn::FindInMap", 3, 4, "[MapName, !Ref AWS::Region, Key]"},
    {"Fn::Cidr", 3, 3, "[!GetAtt VPC.CidrBlock, 6, 8]"},
    {"Fn::Equals", 2, 2, "[!Ref Env, prod]"},
    {"Fn::Not", 1, 1, "[!Condition IsProd]"},
    {"Fn::And", 2, 10, "[!Condition A, !Condition B]"},
    {"Fn::Or", 2, 10, "[!Condition A, !Condition B]"},
};

} // namespace

ReferenceResolver::ReferenceResolver(const Declarations &declarations, const Resources &resources, Report &report)
    : m_declarations(declarations)
    , m_resources(resources)
    , m_report(report)
{
}

void ReferenceResolver::walk(const json &value, const QString &path, const Scope &scope, const Target &target)
{
    if (value.is_null()) {
        m_report.error(path, QStringLiteral("expected a value, not nothing (null): CloudFormation rejects null values anywhere in a template "
                                            "(to leave a property out, write !Ref AWS::NoValue)"));
        return;
    }
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            walk(value[i], jsonIndexPath(path, qsizetype(i)), scope, target);
        return;
    }
    if (!value.is_object())
        return;
    if (value.size() == 1) {
        const auto it = value.begin();
        const std::string &function = it.key();
        const QString argumentPath = jsonMemberPath(path, qstring(function));
        if (function == "Ref") {
            ref(it.value(), argumentPath, scope, target);
            return;
        }
        if (function == "Fn::GetAtt") {
            getAtt(it.value(), argumentPath, scope, target);
            return;
        }
        if (function == "Fn::Sub") {
            sub(it.value(), argumentPath, scope, target);
            return;
        }
        checkArguments(function, it.value(), argumentPath, scope);
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
        const QString key = qstring(it.key());
        const QString memberPath = jsonMemberPath(path, key);
        const json &member = it.value();
        if (key.startsWith(QLatin1String("Fn::")) && !kFunctions.contains(key) && !isForEach(key))
            m_report.warning(memberPath, QStringLiteral("unknown function \"%1\"%2; CloudFormation rejects a template with an unsupported "
                                                        "function, and Fanout finds no references in it").arg(key, didYouMean(key, kFunctions)));
        if (!isForEach(key) || !walkLoop(member, memberPath, scope, target))
            walk(member, memberPath, scope, target);
    }
}

bool ReferenceResolver::walkLoop(const json &loop, const QString &path, const Scope &scope, const Target &target)
{
    if (!loop.is_array() || loop.size() != 3 || !loop[0].is_string())
        return false;
    walk(loop[1], jsonIndexPath(path, 1), scope, target);
    Scope inner = scope;
    inner.loopVariables.append(qstring(loop[0].get_ref<const std::string &>()));
    walk(loop[2], jsonIndexPath(path, 2), inner, target);
    return true;
}

void ReferenceResolver::dependsOn(const json &value, const QString &path, const Scope &scope, const Target &target)
{
    auto one = [&](const json &name, const QString &namePath) {
        if (!name.is_string() || name.get_ref<const std::string &>().empty()) {
            m_report.error(namePath, QStringLiteral("expected the logical id of a resource, not %1").arg(describe(name)));
            return;
        }
        const QString id = substituted(qstring(name.get_ref<const std::string &>()), scope.bindings);
        if (!scope.mentionsUnknown(id))
            reference(id, Kind::DependsOn, QStringLiteral("DependsOn"), namePath, target);
    };
    if (value.is_string()) {
        one(value, path);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            one(value[i], jsonIndexPath(path, qsizetype(i)));
    } else {
        m_report.error(path, QStringLiteral("expected the logical id of a resource, or a list of them, not %1").arg(describe(value)));
    }
}

void ReferenceResolver::checkCondition(const QString &name, const QString &path, const Scope &scope)
{
    if (m_declarations.conditions.contains(name) || m_declarations.conditionsUnknown || scope.mentionsUnknown(name))
        return;
    m_report.error(path, QStringLiteral("condition \"%1\" is not defined%2; expected the name of a condition of the Conditions section")
                             .arg(name, didYouMean(name, m_declarations.conditions)));
}

// The functions other than Ref, Fn::GetAtt and Fn::Sub: how many values their lists have, and
// the condition Fn::If names. Their references are walked as any other value's.
void ReferenceResolver::checkArguments(const std::string &function, const json &argument, const QString &path, const Scope &scope)
{
    for (const Arity &arity : kArities) {
        if (function != arity.function)
            continue;
        const bool fits = argument.is_array() && argument.size() >= arity.least && argument.size() <= arity.most;
        if (!fits && !(argument.is_object() && m_declarations.languageExtensions)) {
            const QString count = arity.least == arity.most ? QString::number(arity.least)
                                                            : QStringLiteral("%1 to %2").arg(arity.least).arg(arity.most);
            m_report.error(path, QStringLiteral("expected a list of %1 values, such as %2 %3, not %4")
                                     .arg(count, qstring(function), QString::fromUtf8(arity.example), describe(argument)));
        }
    }
    if (function == "Fn::If") {
        if (!argument.is_array() || argument.size() != 3)
            m_report.error(path, QStringLiteral("expected [Condition, value if true, value if false] for Fn::If, not %1").arg(describe(argument)));
        else if (argument[0].is_string())
            checkCondition(substituted(qstring(argument[0].get_ref<const std::string &>()), scope.bindings), jsonIndexPath(path, 0), scope);
    }
}

void ReferenceResolver::ref(const json &argument, const QString &path, const Scope &scope, const Target &target)
{
    if (argument.is_string() && !argument.get_ref<const std::string &>().empty()) {
        const QString written = qstring(argument.get_ref<const std::string &>());
        if (scope.bound(written) || scope.loopVariables.contains(written))
            return; // a loop's identifier: its value, not a reference
        const QString name = substituted(written, scope.bindings);
        if (!scope.mentionsUnknown(name))
            reference(name, Kind::Ref, QStringLiteral("Ref"), path, target);
        return;
    }
    if (argument.is_object() && m_declarations.languageExtensions) {
        walk(argument, path, scope, target);
        return;
    }
    m_report.error(path, QStringLiteral("expected the logical id of a resource or the name of a parameter for Ref, such as Ref: VPC, not %1").arg(describe(argument)));
}

void ReferenceResolver::getAtt(const json &argument, const QString &path, const Scope &scope, const Target &target)
{
    const QString form = QStringLiteral("expected [Resource, Attribute] or \"Resource.Attribute\" for Fn::GetAtt");
    if (argument.is_string()) {
        const QString text = substituted(qstring(argument.get_ref<const std::string &>()), scope.bindings);
        const qsizetype dot = text.indexOf(QLatin1Char('.'));
        if (dot <= 0 || dot == text.size() - 1) {
            m_report.error(path, QStringLiteral("%1, not %2").arg(form, describe(argument)));
            return;
        }
        if (!scope.mentionsUnknown(text))
            reference(text.left(dot), Kind::GetAtt, QStringLiteral("Fn::GetAtt"), path, target);
        return;
    }
    if (!argument.is_array() || argument.size() != 2) {
        m_report.error(path, QStringLiteral("%1, not %2").arg(form, describe(argument)));
        return;
    }
    const json &resource = argument[0];
    const QString resourcePath = jsonIndexPath(path, 0);
    if (resource.is_string() && !resource.get_ref<const std::string &>().empty()) {
        const QString name = substituted(qstring(resource.get_ref<const std::string &>()), scope.bindings);
        if (!scope.mentionsUnknown(name))
            reference(name, Kind::GetAtt, QStringLiteral("Fn::GetAtt"), resourcePath, target);
    } else if (resource.is_object()) {
        walk(resource, resourcePath, scope, target); // a name made by a function, as in a loop
    } else {
        m_report.error(resourcePath, QStringLiteral("expected the logical id of a resource, not %1").arg(describe(resource)));
    }
    const json &attribute = argument[1];
    if (attribute.is_object())
        walk(attribute, jsonIndexPath(path, 1), scope, target); // {"Ref": "AttributeParameter"}
    else if (!attribute.is_string() || attribute.get_ref<const std::string &>().empty())
        m_report.error(jsonIndexPath(path, 1), QStringLiteral("expected the name of an attribute, such as Arn, not %1").arg(describe(attribute)));
}

void ReferenceResolver::sub(const json &argument, const QString &path, const Scope &scope, const Target &target)
{
    if (argument.is_string()) {
        subText(substituted(qstring(argument.get_ref<const std::string &>()), scope.bindings), QStringList(), path, scope, target);
        return;
    }
    if (argument.is_array() && argument.size() == 2 && argument[1].is_object()) {
        QStringList variables;
        const QString variablesPath = jsonIndexPath(path, 1);
        for (auto it = argument[1].begin(); it != argument[1].end(); ++it) {
            const QString name = qstring(it.key());
            variables.append(substituted(name, scope.bindings));
            walk(it.value(), jsonMemberPath(variablesPath, name), scope, target);
        }
        const json &text = argument[0];
        if (text.is_string())
            subText(substituted(qstring(text.get_ref<const std::string &>()), scope.bindings), variables, jsonIndexPath(path, 0), scope, target);
        else if (text.is_object())
            walk(text, jsonIndexPath(path, 0), scope, target);
        else
            m_report.error(jsonIndexPath(path, 0), QStringLiteral("expected the text to substitute in, not %1").arg(describe(text)));
        return;
    }
    if (argument.is_object() && m_declarations.languageExtensions) {
        walk(argument, path, scope, target);
        return;
    }
    m_report.error(path, QStringLiteral("expected a text for Fn::Sub, such as \"arn:${AWS::Partition}:s3:::${Bucket}\", or a list of a text and a "
                                        "mapping of variables, not %1").arg(describe(argument)));
}

// ${Name} and ${Name.Attribute} in a Fn::Sub text; ${!Literal} writes "${Literal}".
void ReferenceResolver::subText(const QString &text, const QStringList &variables, const QString &path, const Scope &scope, const Target &target)
{
    qsizetype from = 0;
    while (true) {
        const qsizetype open = text.indexOf(QStringLiteral("${"), from);
        if (open < 0)
            return;
        if (open + 2 < text.size() && text[open + 2] == QLatin1Char('!')) {
            from = open + 3;
            continue;
        }
        const qsizetype close = text.indexOf(QLatin1Char('}'), open + 2);
        if (close < 0)
            return; // no variable: CloudFormation keeps the text as it is
        const QString name = text.mid(open + 2, close - open - 2).trimmed();
        const QString written = text.mid(open, close - open + 1);
        from = close + 1;
        if (name.isEmpty() || variables.contains(name) || scope.loopVariables.contains(name))
            continue;
        const qsizetype dot = name.indexOf(QLatin1Char('.'));
        if (dot > 0 && !name.startsWith(QLatin1String("AWS::")))
            reference(name.left(dot), Kind::SubAttribute, written, path, target);
        else
            reference(name, Kind::Sub, written, path, target);
    }
}

// A name a reference uses: a dependency when it is a resource, nothing when it is a parameter
// or pseudo parameter, and otherwise an error, as CloudFormation rejects the template.
void ReferenceResolver::reference(const QString &name, Kind kind, const QString &written, const QString &path, const Target &target)
{
    const bool valueOnly = kind == Kind::Ref || kind == Kind::Sub;
    if (valueOnly && (kPseudoParameters.contains(name) || m_declarations.parameters.contains(name)))
        return;
    if (m_resources.contains(name)) {
        addDependency(target, name);
        return;
    }
    if (const QString loop = m_resources.unexpandedLoopOf(name); !loop.isEmpty()) {
        addDependency(target, loop);
        return;
    }
    const QString message = unresolved(name, kind, written);
    if (m_declarations.serverless)
        m_report.warning(path, message + QStringLiteral(" (unless the Serverless transform makes it)"));
    else
        m_report.error(path, message);
}

// What is wrong with a name that is no resource and, where a value may be, no parameter.
QString ReferenceResolver::unresolved(const QString &name, Kind kind, const QString &written) const
{
    const bool valueOnly = kind == Kind::Ref || kind == Kind::Sub;
    QStringList resources; // in the template's order, so that "did you mean" is always the same
    for (const Entry &entry : m_resources.entries())
        resources.append(entry.address);
    if (valueOnly && name.startsWith(QLatin1String("AWS::"))) {
        return QStringLiteral("%1 names \"%2\", which is not a pseudo parameter%3; expected one of %4")
            .arg(written, name, didYouMean(name, kPseudoParameters), kPseudoParameters.join(QStringLiteral(", ")));
    }
    if (valueOnly) {
        return QStringLiteral("%1 names \"%2\", but the template has no resource or parameter of that name%3; expected the logical id "
                              "of a resource, a parameter%4 or a pseudo parameter such as AWS::Region (CloudFormation rejects "
                              "unresolved references)")
            .arg(written, name, didYouMean(name, resources + m_declarations.parameters),
                 kind == Kind::Sub ? QStringLiteral(", a variable of this Fn::Sub") : QString());
    }
    if (m_declarations.parameters.contains(name))
        return QStringLiteral("%1 names \"%2\", which is a parameter; expected the logical id of a resource").arg(written, name);
    return QStringLiteral("%1 names \"%2\", but the template has no resource of that name%3; expected the logical id of a resource "
                          "(CloudFormation rejects unresolved resource dependencies)")
        .arg(written, name, didYouMean(name, resources));
}

void ReferenceResolver::addDependency(const Target &target, const QString &name)
{
    if (name != target.address && !target.dependsOn->contains(name))
        target.dependsOn->append(name);
}

} // namespace fanout::cloudformation
