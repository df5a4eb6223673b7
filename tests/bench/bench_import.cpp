// Importing a large Terraform plan. A generated `terraform show -json` plan of 10,000 resources
// (200 module instances of 50 resources each, with count instances, module-relative references,
// variables passed into modules and a root resource every module refers to) is imported, validated
// (PlanReader: the mapping applied, every check of `fanout validate`) and laid out (Graphviz dot,
// as the Graph pane does, once whole and once as the pane first shows it, its modules collapsed).
// Prints seconds for each step (median of 3) and peak memory.
// Target: import plus validation under 0.5 s.
#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/layout/graphlayouter.h"
#include "engine/run/deployment.h"
#include "engine/support/structuredtext.h"
#include "engine/support/textdecoder.h"
#include "models/plan/workspace.h"
#include "tests/bench/panetiming.h"
#include "tests/procstatus.h"
#include "ui/graph/graphscene.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

json change(const std::string &address, const std::string &module, const std::string &type, const std::string &name, const json &index)
{
    json rc = json::object();
    rc["address"] = address;
    if (!module.empty())
        rc["module_address"] = module;
    rc["mode"] = "managed";
    rc["type"] = type;
    rc["name"] = name;
    if (!index.is_null())
        rc["index"] = index;
    rc["provider_name"] = "registry.terraform.io/hashicorp/aws";
    rc["change"] = json{{"actions", json::array({"create"})}, {"before", nullptr}, {"after", json::object()}};
    return rc;
}

json configResource(const std::string &type, const std::string &name, const std::vector<std::string> &references, int count = 0)
{
    json r = json::object();
    r["address"] = type + "." + name;
    r["mode"] = "managed";
    r["type"] = type;
    r["name"] = name;
    r["provider_config_key"] = "aws";
    json expressions = json::object();
    int i = 0;
    for (const std::string &reference : references)
        expressions["attr" + std::to_string(i++)] = json{{"references", json::array({reference + ".id", reference})}};
    r["expressions"] = expressions;
    if (count > 0)
        r["count_expression"] = json{{"constant_value", count}};
    return r;
}

// 200 modules x 50 resources: vpc, 4 subnets (count), security group, IAM role, 40 instances
// (count), load balancer, database, DNS record that uses the root zone through a variable.
std::string generatePlan(int modules)
{
    json changes = json::array();
    json moduleCalls = json::object();
    changes.push_back(change("aws_route53_zone.main", "", "aws_route53_zone", "main", nullptr));
    for (int m = 0; m < modules; ++m) {
        const std::string call = "svc" + std::to_string(m);
        const std::string module = "module." + call;
        auto add = [&](const std::string &type, const std::string &name, int count) {
            if (count == 0) {
                changes.push_back(change(module + "." + type + "." + name, module, type, name, nullptr));
                return;
            }
            for (int i = 0; i < count; ++i)
                changes.push_back(change(module + "." + type + "." + name + "[" + std::to_string(i) + "]", module, type, name, i));
        };
        add("aws_vpc", "main", 0);
        add("aws_subnet", "private", 4);
        add("aws_security_group", "app", 0);
        add("aws_iam_role", "app", 0);
        add("aws_instance", "app", 40);
        add("aws_lb", "app", 0);
        add("aws_db_instance", "db", 0);
        add("aws_route53_record", "app", 0);
        json resources = json::array({
            configResource("aws_vpc", "main", {}),
            configResource("aws_subnet", "private", {"aws_vpc.main"}, 4),
            configResource("aws_security_group", "app", {"aws_vpc.main"}),
            configResource("aws_iam_role", "app", {}),
            configResource("aws_instance", "app", {"aws_subnet.private", "aws_security_group.app", "aws_iam_role.app"}, 40),
            configResource("aws_lb", "app", {"aws_subnet.private", "aws_security_group.app"}),
            configResource("aws_db_instance", "db", {"aws_subnet.private", "aws_security_group.app"}),
            configResource("aws_route53_record", "app", {"aws_lb.app", "var.zone_id"}),
        });
        moduleCalls[call] = json{{"source", "./modules/service"},
                                 {"expressions", json{{"zone_id", json{{"references", json::array({"aws_route53_zone.main.zone_id", "aws_route53_zone.main"})}}}}},
                                 {"module", json{{"resources", resources}, {"variables", json{{"zone_id", json::object()}}}}}};
    }
    json plan = json::object();
    plan["format_version"] = "1.2";
    plan["terraform_version"] = "1.6.6";
    plan["resource_changes"] = changes;
    plan["configuration"] = json{{"root_module", json{{"resources", json::array({configResource("aws_route53_zone", "main", {})})},
                                                      {"module_calls", moduleCalls}}}};
    return plan.dump();
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    const QByteArray text = QByteArray::fromStdString(generatePlan(200));
    const long baseline = test::procStatus("VmHWM");
    std::printf("Generated Terraform JSON plan: %.1f MiB\n", double(text.size()) / (1 << 20));

    std::vector<double> parseMs;
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer clock;
        clock.start();
        const StructuredText parsed = StructuredText::parseJson(TextDecoder::toUtf8(text));
        parseMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (!parsed.ok())
            return 1;
    }
    std::vector<double> importMs;
    std::vector<double> validateMs;
    PlanReadResult read;
    ImportResult imported;
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer clock;
        clock.start();
        imported = PlanImporter::importText(text, QStringLiteral("tfplan.json"));
        importMs.push_back(double(clock.nsecsElapsed()) / 1e6);
        clock.restart();
        read = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
        validateMs.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    if (imported.hasErrors() || read.hasErrors()) {
        std::printf("import failed: %s\n", qPrintable(imported.hasErrors() ? imported.diagnostics[0].toString() : read.diagnostics[0].toString()));
        return 1;
    }
    const double importAndValidate = median(importMs) + median(validateMs);
    std::printf("Resources: %d, dependencies: %d, groups: %lld\n", imported.resourceCount, imported.dependencyCount,
                static_cast<long long>(read.plan.groups.size()));
    std::printf("Import (decode, parse, resolve dependencies): %.3f s (for comparison, building the whole document with nlohmann: %.3f s)\n",
                median(importMs) / 1000, median(parseMs) / 1000);
    std::printf("Validate (read the plan, apply the mapping):  %.3f s\n", median(validateMs) / 1000);
    std::printf("Import + validation: %.3f s (target < 0.5 s: %s)\n", importAndValidate / 1000, importAndValidate < 500 ? "met" : "MISSED");
    std::printf("Peak memory after import: %.0f MiB (%.0f MiB for the process before)\n", double(test::procStatus("VmHWM")) / 1024, double(baseline) / 1024);

    if (qEnvironmentVariableIsSet("FANOUT_BENCH_NO_LAYOUT"))
        return 0; // for profiling the import alone

    // What a user sees first: the Graph pane, its 200 modules collapsed (the plan is over the
    // threshold), laid out and painted.
    {
        GraphView::setCollapseThreshold(GraphView::kDefaultCollapseThreshold);
        Workspace workspace(ExecutorRegistry::builtIn());
        GraphPane pane(workspace);
        pane.resize(1280, 800);
        pane.show();
        std::vector<double> pictureMs;
        for (int round = 0; round < 3; ++round) {
            workspace.deployment().open(Plan(), QString(), QString());
            pictureMs.push_back(bench::timeToPicture(pane, [&] { workspace.deployment().open(read.plan, QString(), QString()); }));
        }
        std::printf("First picture on the Graph pane, groups collapsed: %.3f s (%d summaries; target < 2 s: %s)\n",
                    median(pictureMs) / 1000, int(pane.view()->graphScene()->summaryItems().size()),
                    median(pictureMs) < 2000 ? "met" : "MISSED");
        std::fflush(stdout);
    }
    GraphLayouter layouter;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    const GraphLayoutInput input = GraphScene::layoutInput(read.plan);
    const quint64 generation = layouter.request(input);
    GraphLayout layout;
    QObject::connect(&layouter, &GraphLayouter::laidOut, &loop, [&](quint64 answered, const GraphLayout &result) {
        if (answered == generation) {
            layout = result;
            loop.quit();
        }
    });
    loop.exec();
    std::printf("Layout (Graphviz dot, once): %.2f s%s\n", double(clock.nsecsElapsed()) / 1e9, layout.isValid() ? "" : " (no layout)");
    std::printf("Peak memory after layout: %.0f MiB\n", double(test::procStatus("VmHWM")) / 1024);
    return 0;
}
