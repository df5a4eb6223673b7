#include "tests/fuzz/fuzztargets.h"

#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/plan/executormapping.h"
#include "engine/plan/planreader.h"
#include "engine/plan/references.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/statejournal.h"
#include "engine/support/duration.h"
#include "engine/support/structuredtext.h"
#include "engine/support/textdecoder.h"

#include <cstring>

namespace fanout::fuzz {
namespace {

using json = nlohmann::ordered_json;

QByteArray bytesOf(const std::uint8_t *data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// What `fanout run FILE` does with an imported file: import it, then read the plan the import
// made, which validates it.
void importAndRead(const QByteArray &bytes, const QString &fileName, std::optional<ImportFormat> format,
                   const json &mapping = nullptr)
{
    const ImportResult imported = PlanImporter::importText(bytes, fileName, format, mapping);
    if (!imported.hasErrors() && !imported.document.is_null())
        (void)PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
}

void readPlan(const std::uint8_t *data, std::size_t size)
{
    // readText validates what it read (PlanValidator) when the JSON is a plan.
    (void)PlanReader::readText(bytesOf(data, size), QStringLiteral("plan.json"), ExecutorRegistry::builtIn());
}

void readState(const std::uint8_t *data, std::size_t size)
{
    (void)DeploymentState::readText(bytesOf(data, size));
}

void replayJournal(const std::uint8_t *data, std::size_t size)
{
    DeploymentState state;
    Diagnostics diagnostics;
    StateJournal::replayText(bytesOf(data, size), QStringLiteral("plan.fanout-state.json.journal"), state, diagnostics);
}

void importTerraformPlan(const std::uint8_t *data, std::size_t size)
{
    importAndRead(bytesOf(data, size), QStringLiteral("tfplan.json"), ImportFormat::TerraformPlan);
}

void importTerraformDot(const std::uint8_t *data, std::size_t size)
{
    importAndRead(bytesOf(data, size), QStringLiteral("graph.dot"), ImportFormat::TerraformDot);
}

// JSON and YAML templates go through the same importer, which tells them apart by their content;
// the two targets differ in their seeds and dictionaries.
void importCloudFormation(const std::uint8_t *data, std::size_t size)
{
    importAndRead(bytesOf(data, size), QStringLiteral("template"), ImportFormat::CloudFormation);
}

void importCompose(const std::uint8_t *data, std::size_t size)
{
    importAndRead(bytesOf(data, size), QStringLiteral("compose.yaml"), ImportFormat::Compose);
}

// A file whose kind Fanout has to tell by itself, as `fanout run FILE` without --format.
void importDetected(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = bytesOf(data, size);
    const std::optional<ImportFormat> format = detectFormat(TextDecoder::toUtf8(bytes), QStringLiteral("input"));
    if (format && *format == ImportFormat::FanoutPlan)
        readPlan(data, size);
    else if (format)
        importAndRead(bytes, QStringLiteral("input"), format);
}

// Mapping rules as `fanout import --mapping FILE` reads them, applied to a small Compose file and
// a Terraform plan, whose resources the rules then map to executors.
void applyMapping(const std::uint8_t *data, std::size_t size)
{
    const StructuredText rules = StructuredText::parseJson(TextDecoder::toUtf8(bytesOf(data, size)));
    if (!rules.ok())
        return;
    Diagnostics problems;
    (void)ExecutorMapping::fromJson(rules.document(), problems);
    static const QByteArray compose = "services:\n  db:\n    image: postgres:16\n  web:\n    image: nginx\n"
                                      "    depends_on: [db]\n    environment: {PORT: \"80\"}\n";
    static const QByteArray terraform =
        R"({"format_version":"1.2","resource_changes":[{"address":"aws_vpc.main","mode":"managed","type":"aws_vpc",)"
        R"("name":"main","change":{"actions":["create"],"after":{"cidr_block":"10.0.0.0/16"}}}]})";
    importAndRead(compose, QStringLiteral("compose.yaml"), ImportFormat::Compose, rules.document());
    importAndRead(terraform, QStringLiteral("tfplan.json"), ImportFormat::TerraformPlan, rules.document());
}

void readDuration(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(bytesOf(data, size));
    (void)parseDuration(text);
    (void)parseDuration(json(text.toStdString()));
    // Numbers too, as a plan may give them ("timeout": 90).
    const StructuredText number = StructuredText::parseJson(text.toStdString());
    if (number.ok())
        (void)parseDuration(number.document());
}

// ${...} in a string: found as validation finds them, substituted as a run does (with a value for
// some and an error for others), and bound as a state file records a destroy action.
void readReferences(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(bytesOf(data, size));
    const json value = {{"command", text.toStdString()}, {"args", json::array({text.toStdString(), 1})}};
    References::find(value, QStringLiteral("resources.r"), [](const QString &, const Reference *, const QString &) {});
    const References::Lookup lookup = [](const Reference &reference) -> Expected<QString> {
        if (reference.kind == Reference::Kind::SelfOutput)
            return reference.text;
        if (reference.name.size() % 2)
            return unexpected(QStringLiteral("no such value"));
        return QStringLiteral("value of %1").arg(reference.name);
    };
    QStringList errors;
    (void)References::substitute(value, lookup, &errors);
    (void)References::substitute(text, lookup, &errors);
    (void)References::bind(value, [](const Reference &reference) -> std::optional<QString> {
        if (reference.kind == Reference::Kind::Variable)
            return QStringLiteral("$${bound}");
        return std::nullopt;
    });
    (void)References::mask(text, {QStringLiteral("secret"), QStringLiteral("s")});
}

void decodeText(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = bytesOf(data, size);
    const char *encoding = TextDecoder::encodingOf(bytes);
    const std::string utf8 = TextDecoder::toUtf8(bytes);
    (void)QString::fromStdString(utf8);
    // UTF-8 comes out as it came in, for the parsers to place an error in it; what was decoded
    // from UTF-16 is valid UTF-8 (nlohmann/json's strict dump throws, and the fuzzer stops, if not).
    if (std::strcmp(encoding, "UTF-8") != 0)
        (void)json(utf8).dump();
}

} // namespace

const std::vector<FuzzTarget> &fuzzTargets()
{
    static const std::vector<FuzzTarget> targets = {
        {"plan", "a Fanout plan, read and validated", readPlan},
        {"state", "a state file's snapshot", readState},
        {"journal", "a state file's journal, replayed", replayJournal},
        {"terraform_plan", "terraform show -json PLANFILE, imported and read", importTerraformPlan},
        {"terraform_dot", "terraform graph, imported and read", importTerraformDot},
        {"cloudformation_json", "a CloudFormation template in JSON, imported and read", importCloudFormation},
        {"cloudformation_yaml", "a CloudFormation template in YAML, imported and read", importCloudFormation},
        {"compose", "a Compose file, imported and read", importCompose},
        {"detect", "a file of any kind, told apart by its content", importDetected},
        {"mapping", "mapping rules, applied to an import", applyMapping},
        {"duration", "a duration (\"1m30s\", 90)", readDuration},
        {"references", "${...} references, found, substituted and bound", readReferences},
        {"textdecoder", "a file's bytes in any encoding, decoded to UTF-8", decodeText},
    };
    return targets;
}

const FuzzTarget *findFuzzTarget(const char *name)
{
    for (const FuzzTarget &target : fuzzTargets()) {
        if (std::strcmp(target.name, name) == 0)
            return &target;
    }
    return nullptr;
}

} // namespace fanout::fuzz
