#include "engine/import/cloudformationimporter.h"

#include "engine/import/cloudformationdeclarations.h"
#include "engine/import/cloudformationreferenceresolver.h"
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
using cloudformation::Target; // not the plan's fanout::Target, which a unity build may see here too

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
// then each resource's attributes, whose references become dependencies (ReferenceResolver).
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
            if (isForEach(name) && m_references.walkLoop(output.value(), path, Scope(), nothing))
                continue;
            if (!output.value().is_object())
                m_report.error(path, QStringLiteral("expected an output, a mapping such as {Value: !Ref VPC}, not %1").arg(describe(output.value())));
            else if (output.value().find("Value") == output.value().end())
                m_report.error(path, QStringLiteral("the output has no \"Value\"; expected one such as Value: !Ref VPC"));
            else
                m_references.walk(output.value(), path, Scope(), nothing);
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
        m_references.walk(loop[1], jsonIndexPath(path, 1), scope, target);
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
                m_references.checkCondition(facts.condition, path, scope);
            } else {
                m_report.error(path, QStringLiteral("expected the name of a condition of the Conditions section, not %1").arg(describe(value)));
            }
        } else if (name == QLatin1String("DependsOn")) {
            m_references.dependsOn(value, path, scope, target);
        } else if (name == QLatin1String("DeletionPolicy") || name == QLatin1String("UpdateReplacePolicy")) {
            json &policy = name == QLatin1String("DeletionPolicy") ? facts.deletionPolicy : facts.updateReplacePolicy;
            if (value.is_string()) {
                policy = substituted(qstring(value.get_ref<const std::string &>()), scope.bindings).toStdString();
            } else if (value.is_object()) { // AWS::LanguageExtensions allows intrinsic functions here
                policy = value;
                m_references.walk(value, path, scope, target);
            } else {
                m_report.error(path, QStringLiteral("expected Delete, Retain, RetainExceptOnCreate or Snapshot, not %1").arg(describe(value)));
            }
        } else if (kMappingAttributes.contains(name) && !value.is_object()) {
            m_report.error(path, QStringLiteral("expected a mapping, such as %1: {...}, not %2").arg(name, describe(value)));
            if (!value.is_null())
                m_references.walk(value, path, scope, target);
        } else {
            if (!kResourceAttributes.contains(name) && !m_declarations.anyTransform)
                m_report.warning(path, QStringLiteral("unknown resource attribute \"%1\"%2; CloudFormation knows %3")
                                           .arg(name, didYouMean(name, kResourceAttributes), kResourceAttributes.join(QStringLiteral(", "))));
            m_references.walk(value, path, scope, target);
        }
    }

    // In this order: each refers to those before it.
    const json &m_document;
    Report m_report;
    Declarations m_declarations;
    Resources m_resources{m_declarations, m_report};
    ReferenceResolver m_references{m_declarations, m_resources, m_report};
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
