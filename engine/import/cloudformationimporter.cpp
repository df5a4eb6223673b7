#include "engine/import/cloudformationimporter.h"

#include "engine/import/cloudformationdeclarations.h"
#include "engine/import/cloudformationreport.h"
#include "engine/import/cloudformationresources.h"
#include "engine/import/cloudformationscope.h"
#include "engine/import/cloudformationvalues.h"
#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/structuredtext.h"

#include <QRegularExpression>

#include <utility>

namespace fanout {

namespace {

using namespace cloudformation;

// The attributes CloudFormation reads on a resource ("Description" is tolerated and common).
const QStringList kResourceAttributes = {
    QStringLiteral("Type"), QStringLiteral("Properties"), QStringLiteral("DependsOn"), QStringLiteral("Condition"),
    QStringLiteral("Metadata"), QStringLiteral("DeletionPolicy"), QStringLiteral("UpdateReplacePolicy"),
    QStringLiteral("UpdatePolicy"), QStringLiteral("CreationPolicy"), QStringLiteral("Description"),
    QStringLiteral("Version")};

// Resource attributes whose value is a mapping.
const QStringList kMappingAttributes = {
    QStringLiteral("Properties"), QStringLiteral("Metadata"), QStringLiteral("UpdatePolicy"), QStringLiteral("CreationPolicy")};

// AWS::Service::Resource (and the same for other publishers; modules add ::MODULE) or
// Custom::Name, which is what CloudFormation accepts as a type.
bool isResourceType(const QString &type)
{
    static const QRegularExpression shape(QStringLiteral("^(?:Custom::[A-Za-z0-9_@-]+|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(?:::MODULE)?)$"));
    return shape.match(type).hasMatch();
}

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

// The resource whose dependencies are being collected.
struct Target
{
    QString address;
    QStringList *dependsOn = nullptr;
};

enum class Kind { Ref, GetAtt, Sub, SubAttribute, DependsOn };

// What a resource's attributes say, besides its dependencies.
struct Facts
{
    QString type;
    QString condition;
    json deletionPolicy;
    json updateReplacePolicy;
    QString templateUrl;
};

// Reads a template in two passes: first the names it declares and its resources (Resources),
// then each resource's attributes, whose references become dependencies.
class TemplateReader
{
public:
    explicit TemplateReader(const json &document)
        : m_document(document)
    {
    }

    bool resourcesMissing = false; // the error is at the end of the text: where the reader stopped
    bool notAMapping = false;

    ImportedPlan read()
    {
        ImportedPlan plan;
        readResources(plan);
        plan.diagnostics = m_report.diagnostics();
        return plan;
    }

private:
    void readResources(ImportedPlan &plan)
    {
        if (m_document.is_null()) {
            resourcesMissing = true;
            m_report.error(QString(), QStringLiteral("the text is empty; expected a CloudFormation template, a mapping with a \"Resources\" section"));
            return;
        }
        if (!m_document.is_object()) {
            notAMapping = true;
            m_report.error(QString(), QStringLiteral("a CloudFormation template is a mapping with a \"Resources\" section, not %1").arg(describe(m_document)));
            return;
        }
        m_declarations = Declarations::read(m_document, m_report);

        const auto resources = m_document.find("Resources");
        if (resources == m_document.end()) {
            resourcesMissing = true;
            m_report.error(QString(), QStringLiteral("not a CloudFormation template, or an incomplete one: the text ends without a \"Resources\" section; "
                                                     "expected Resources: with at least one resource, such as VPC: {Type: AWS::EC2::VPC}"));
            return;
        }
        if (!resources->is_object()) {
            m_report.error(QStringLiteral("Resources"), QStringLiteral("expected a mapping of logical ids to resources, such as VPC: {Type: AWS::EC2::VPC}, not %1").arg(describe(*resources)));
            return;
        }
        if (resources->empty()) {
            m_report.error(QStringLiteral("Resources"), QStringLiteral("the template has no resources; expected at least one, as CloudFormation refuses a template without"));
            return;
        }
        m_resources.collect(*resources);
        for (const Entry &entry : m_resources.entries())
            plan.resources.append(resource(entry));
        readOutputs();
    }

    // Outputs make no dependencies, but CloudFormation refuses them too when they refer to what
    // the template does not have (which is also how a template cut short in its Outputs shows).
    void readOutputs()
    {
        const auto it = m_document.find("Outputs");
        if (it == m_document.end())
            return;
        if (!it->is_object()) {
            m_report.error(QStringLiteral("Outputs"), QStringLiteral("expected a mapping of output names to outputs, such as VpcId: {Value: !Ref VPC}, not %1").arg(describe(*it)));
            return;
        }
        QStringList ignored;
        const Target nothing{QString(), &ignored};
        for (auto output = it->begin(); output != it->end(); ++output) {
            const QString name = qstring(output.key());
            const QString path = jsonMemberPath(QStringLiteral("Outputs"), name);
            if (isForEach(name) && walkLoop(output.value(), path, Scope(), nothing))
                continue;
            if (!output.value().is_object())
                m_report.error(path, QStringLiteral("expected an output, a mapping such as {Value: !Ref VPC}, not %1").arg(describe(output.value())));
            else if (output.value().find("Value") == output.value().end())
                m_report.error(path, QStringLiteral("the output has no \"Value\"; expected one such as Value: !Ref VPC"));
            else
                walk(output.value(), path, Scope(), nothing);
        }
    }

    // ---- Pass 2: each resource's attributes and dependencies ----------------------------------

    ImportedResource resource(const Entry &entry)
    {
        ImportedResource r;
        r.address = entry.address;
        Target target{entry.address, &r.dependsOn};
        Scope scope;
        scope.bindings = entry.bindings;
        if (entry.loop)
            readLoop(entry, scope, target, r);
        else
            readDefinition(entry, scope, target, r);
        return r;
    }

    // An entry of Resources, or one copy of an expanded loop's fragment.
    void readDefinition(const Entry &entry, const Scope &scope, const Target &target, ImportedResource &r)
    {
        const Facts facts = definition(*entry.definition, entry.path, scope, target);
        r.type = facts.type;
        applyFacts(facts, r);
        if (!entry.bindings.isEmpty()) {
            json forEach = json::object();
            for (const auto &[identifier, value] : entry.bindings)
                forEach[identifier.toStdString()] = value.toStdString();
            r.source["for_each"] = forEach;
        }
    }

    // A loop that could not be expanded: one resource for all its copies, with what they share.
    void readLoop(const Entry &entry, const Scope &scope, const Target &target, ImportedResource &r)
    {
        QList<Facts> facts;
        unexpandedLoop(*entry.definition, entry.path, scope, target, facts);
        QStringList types;
        QStringList conditions;
        for (const Facts &f : std::as_const(facts)) {
            if (!types.contains(f.type))
                types.append(f.type);
            if (!conditions.contains(f.condition))
                conditions.append(f.condition);
        }
        r.type = types.size() == 1 ? types.first() : QStringLiteral("Fn::ForEach");
        Facts shared;
        if (facts.size() == 1)
            shared = facts.first();
        else if (conditions.size() == 1)
            shared.condition = conditions.first();
        applyFacts(shared, r);
        const QString loopNote = QStringLiteral("one resource for each value of the Fn::ForEach collection, known only when deploying");
        r.note = r.note.isEmpty() ? loopNote : loopNote + QStringLiteral("; ") + r.note;
        r.source["loop"] = entry.loopName.toStdString();
        json ids = json::array();
        for (const QString &id : entry.logicalIds)
            ids.push_back(id.toStdString());
        r.source["logical_ids"] = ids;
        if (types.size() > 1) {
            json all = json::array();
            for (const QString &t : std::as_const(types))
                all.push_back(t.toStdString());
            r.source["types"] = all;
        }
    }

    static void applyFacts(const Facts &facts, ImportedResource &r)
    {
        if (!facts.condition.isEmpty()) {
            r.note = QStringLiteral("created only if condition %1 holds").arg(facts.condition);
            r.source["condition"] = facts.condition.toStdString();
        }
        if (!facts.deletionPolicy.is_null())
            r.source["deletion_policy"] = facts.deletionPolicy;
        if (!facts.updateReplacePolicy.is_null())
            r.source["update_replace_policy"] = facts.updateReplacePolicy;
        if (!facts.templateUrl.isEmpty())
            r.source["template_url"] = facts.templateUrl.toStdString();
    }

    // A loop that could not be expanded: every resource of its fragment, with the identifier's
    // value unknown.
    void unexpandedLoop(const json &loop, const QString &path, const Scope &scope, const Target &target, QList<Facts> &facts)
    {
        walk(loop[1], jsonIndexPath(path, 1), scope, target);
        Scope inner = scope;
        inner.loopVariables.append(qstring(loop[0].get_ref<const std::string &>()));
        const json &fragment = loop[2];
        const QString fragmentPath = jsonIndexPath(path, 2);
        for (auto it = fragment.begin(); it != fragment.end(); ++it) {
            const QString key = qstring(it.key());
            const QString entryPath = jsonMemberPath(fragmentPath, key);
            if (!isForEach(key))
                facts.append(definition(it.value(), entryPath, inner, target));
            else if (Resources::wellFormedLoop(it.value(), entryPath, m_report))
                unexpandedLoop(it.value(), entryPath, inner, target, facts);
        }
    }

    Facts definition(const json &def, const QString &path, const Scope &scope, const Target &target)
    {
        Facts facts;
        if (!def.is_object()) {
            m_report.error(path, QStringLiteral("expected a resource, a mapping such as {Type: AWS::S3::Bucket, Properties: {...}}, not %1").arg(describe(def)));
            return facts;
        }
        if (def.find("Type") == def.end())
            m_report.error(path, QStringLiteral("the resource has no \"Type\"; expected one such as Type: AWS::EC2::VPC"));
        for (auto it = def.begin(); it != def.end(); ++it) {
            const QString name = qstring(it.key());
            attribute(name, it.value(), jsonMemberPath(path, name), scope, target, facts);
        }
        if (facts.type == QLatin1String("AWS::CloudFormation::Stack")) {
            if (const auto p = def.find("Properties"); p != def.end() && p->is_object()) {
                if (const auto url = p->find("TemplateURL"); url != p->end() && url->is_string())
                    facts.templateUrl = qstring(url->get_ref<const std::string &>());
            }
        }
        return facts;
    }

    // One attribute of a resource: what it says goes to `facts`, what it refers to to `target`.
    void attribute(const QString &name, const json &value, const QString &path, const Scope &scope, const Target &target, Facts &facts)
    {
        if (name == QLatin1String("Type")) {
            const QString type = value.is_string() ? substituted(qstring(value.get_ref<const std::string &>()), scope.bindings) : QString();
            if (isResourceType(type))
                facts.type = type;
            else
                m_report.error(path, QStringLiteral("expected a resource type such as AWS::EC2::VPC, not %1").arg(describe(value)));
        } else if (name == QLatin1String("Condition")) {
            if (value.is_string()) {
                facts.condition = substituted(qstring(value.get_ref<const std::string &>()), scope.bindings);
                checkCondition(facts.condition, path, scope);
            } else {
                m_report.error(path, QStringLiteral("expected the name of a condition of the Conditions section, not %1").arg(describe(value)));
            }
        } else if (name == QLatin1String("DependsOn")) {
            dependsOn(value, path, scope, target);
        } else if (name == QLatin1String("DeletionPolicy") || name == QLatin1String("UpdateReplacePolicy")) {
            json &policy = name == QLatin1String("DeletionPolicy") ? facts.deletionPolicy : facts.updateReplacePolicy;
            if (value.is_string()) {
                policy = substituted(qstring(value.get_ref<const std::string &>()), scope.bindings).toStdString();
            } else if (value.is_object()) { // AWS::LanguageExtensions allows intrinsic functions here
                policy = value;
                walk(value, path, scope, target);
            } else {
                m_report.error(path, QStringLiteral("expected Delete, Retain, RetainExceptOnCreate or Snapshot, not %1").arg(describe(value)));
            }
        } else if (kMappingAttributes.contains(name) && !value.is_object()) {
            m_report.error(path, QStringLiteral("expected a mapping, such as %1: {...}, not %2").arg(name, describe(value)));
            if (!value.is_null())
                walk(value, path, scope, target);
        } else {
            if (!kResourceAttributes.contains(name) && !m_declarations.anyTransform)
                m_report.warning(path, QStringLiteral("unknown resource attribute \"%1\"%2; CloudFormation knows %3")
                                           .arg(name, didYouMean(name, kResourceAttributes), kResourceAttributes.join(QStringLiteral(", "))));
            walk(value, path, scope, target);
        }
    }

    // ---- References: Ref, Fn::GetAtt, Fn::Sub and DependsOn --------------------------------------

    void walk(const json &value, const QString &path, const Scope &scope, const Target &target)
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

    bool walkLoop(const json &loop, const QString &path, const Scope &scope, const Target &target)
    {
        if (!loop.is_array() || loop.size() != 3 || !loop[0].is_string())
            return false;
        walk(loop[1], jsonIndexPath(path, 1), scope, target);
        Scope inner = scope;
        inner.loopVariables.append(qstring(loop[0].get_ref<const std::string &>()));
        walk(loop[2], jsonIndexPath(path, 2), inner, target);
        return true;
    }

    void dependsOn(const json &value, const QString &path, const Scope &scope, const Target &target)
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

    void checkCondition(const QString &name, const QString &path, const Scope &scope)
    {
        if (m_declarations.conditions.contains(name) || m_declarations.conditionsUnknown || scope.mentionsUnknown(name))
            return;
        m_report.error(path, QStringLiteral("condition \"%1\" is not defined%2; expected the name of a condition of the Conditions section")
                                 .arg(name, didYouMean(name, m_declarations.conditions)));
    }

    // The functions other than Ref, Fn::GetAtt and Fn::Sub: how many values their lists have, and
    // the condition Fn::If names. Their references are walked as any other value's.
    void checkArguments(const std::string &function, const json &argument, const QString &path, const Scope &scope)
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

    void ref(const json &argument, const QString &path, const Scope &scope, const Target &target)
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

    void getAtt(const json &argument, const QString &path, const Scope &scope, const Target &target)
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

    void sub(const json &argument, const QString &path, const Scope &scope, const Target &target)
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
    void subText(const QString &text, const QStringList &variables, const QString &path, const Scope &scope, const Target &target)
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
    void reference(const QString &name, Kind kind, const QString &written, const QString &path, const Target &target)
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
    QString unresolved(const QString &name, Kind kind, const QString &written) const
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

    static void addDependency(const Target &target, const QString &name)
    {
        if (name != target.address && !target.dependsOn->contains(name))
            target.dependsOn->append(name);
    }

    // In this order: each refers to those before it.
    const json &m_document;
    Report m_report;
    Declarations m_declarations;
    Resources m_resources{m_declarations, m_report};
};

} // namespace

ImportedPlan CloudFormationImporter::read(const std::string &text)
{
    ImportedPlan plan;
    try {
        const std::size_t first = text.find_first_not_of(" \t\r\n");
        const bool isJson = first != std::string::npos && text[first] == '{';
        const StructuredText parsed = isJson ? StructuredText::parseJson(text)
                                             : StructuredText::parseYaml(text, StructuredText::YamlTags::CloudFormation);
        if (!parsed.ok()) {
            plan.diagnostics = parsed.diagnostics();
            return plan;
        }
        TemplateReader reader(parsed.document());
        plan = reader.read();
        parsed.place(plan.diagnostics);
        // Problems of the whole text: a missing section is noticed where the text ends; a text that
        // is no mapping, where it starts.
        if (reader.resourcesMissing || reader.notAMapping) {
            const JsonLocator locator(text);
            std::size_t offset = 0;
            if (reader.notAMapping) {
                offset = first == std::string::npos ? 0 : first;
            } else if (const std::size_t last = text.find_last_not_of(" \t\r\n"); last != std::string::npos) {
                const std::size_t lineStart = text.rfind('\n', last);
                offset = lineStart == std::string::npos ? 0 : lineStart + 1; // the last line with text
            }
            const auto where = locator.locationOfOffset(offset);
            for (Diagnostic &d : plan.diagnostics) {
                if (d.path.isEmpty() && d.line == 0) {
                    d.line = where.line;
                    d.column = where.column;
                }
            }
        }
    } catch (const std::exception &e) {
        // Every value is checked before use; this is the last line of defence, not a way of working.
        plan = ImportedPlan();
        plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                           QStringLiteral("could not read the template: %1").arg(QString::fromUtf8(e.what()))});
    }
    return plan;
}

} // namespace fanout
