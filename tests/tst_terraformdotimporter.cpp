#include "engine/import/terraformdotimporter.h"
#include "engine/layout/graphlayoutengine.h"
#include "engine/support/textdecoder.h"
#include "tests/expect.h"

#include <QFile>
#include <QTemporaryFile>
#include <QThread>
#include <QtConcurrent>
#include <QtTest>

#include <unistd.h>

using namespace fanout;

namespace {

QString corpus(const char *name)
{
    return QStringLiteral(FANOUT_CORPUS "/terraform-dot/") + QLatin1String(name);
}

QString fixture(const char *name)
{
    return QStringLiteral(FANOUT_FIXTURES "/import/terraform-dot/") + QLatin1String(name);
}

// The file as the importer gets it: decoded by TextDecoder, as the application does.
std::string decodedFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return TextDecoder::toUtf8(file.readAll());
}

const ImportedResource *findResource(const ImportedPlan &plan, const QString &address)
{
    for (const ImportedResource &resource : plan.resources) {
        if (resource.address == address)
            return &resource;
    }
    return nullptr;
}

QString diagnosticsText(const ImportedPlan &plan)
{
    QStringList lines;
    for (const Diagnostic &d : plan.diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

// "A -> B" into {A, B}.
std::pair<QString, QString> arrow(const QString &text, const QString &arrow)
{
    const QStringList parts = text.split(arrow);
    if (!FANOUT_EXPECT(parts.size() == 2))
        return {};
    return {parts[0].trimmed(), parts[1].trimmed()};
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class Tst_terraformdotimporter : public QObject
{
    Q_OBJECT

private slots:
    void importsGraph_data();
    void importsGraph();
    void bothNewDialectsAgree();
    void nodeAddresses_data();
    void nodeAddresses();
    void truncatedFileReportsWhere_data();
    void truncatedFileReportsWhere();
    void anyTruncationIsAnErrorNotACrash();
    void badInputIsAClearError_data();
    void badInputIsAClearError();
    void graphvizPrintsNothing();
    void importsWhileGraphvizLaysOut();
};

// Each row: a file, how many resources it has, and facts checked by reading the file by hand.
//  edges:    "A -> B": A depends on B (B is among A's dependsOn)
//  nonEdges: "A -/> B": A does not depend on B
//  exact:    "A = B, C": A's dependsOn is exactly {B, C} ("A =" for none)
//  groups:   the groups, in order; members: "A @ module.x" (and "A @" for none)
//  data:     the data sources (run = false); every other resource runs
void Tst_terraformdotimporter::importsGraph_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("resources");
    QTest::addColumn<QStringList>("edges");
    QTest::addColumn<QStringList>("nonEdges");
    QTest::addColumn<QStringList>("exact");
    QTest::addColumn<QStringList>("groups");
    QTest::addColumn<QStringList>("members");
    QTest::addColumn<QStringList>("data");

    // 0.13-1.6, 21 box nodes (lines 5-21 and 27-30). No resource reaches another through a dropped
    // node here: providers and vars lead nowhere, so those edges must simply vanish.
    QTest::newRow("corpus chrisvanmeer tf1x")
        << corpus("chrisvanmeer_vault_multicloud_tf1x.dot") << 21
        << QStringList{
               // lines 49-51 (52-55 go to vars)
               QStringLiteral("aws_instance.aws_vault -> aws_key_pair.key"),
               QStringLiteral("aws_instance.aws_vault -> data.aws_ami.ubuntu"),
               QStringLiteral("aws_instance.aws_vault -> random_shuffle.aws_zones"),
               // line 83: a data source that depends on a resource
               QStringLiteral("data.google_compute_zones.available -> random_shuffle.google_regions"),
               // line 118
               QStringLiteral("random_shuffle.aws_zones -> data.aws_availability_zones.available")}
        << QStringList{QStringLiteral("aws_key_pair.key -/> var.ssh_pub_key_file")}
        << QStringList{
               QStringLiteral("aws_instance.aws_vault = aws_key_pair.key, data.aws_ami.ubuntu, random_shuffle.aws_zones"),
               // lines 94-97: three resources and a provider
               QStringLiteral("local_file.ansible_inventory = aws_instance.aws_vault, "
                              "azurerm_linux_virtual_machine.azure_vault, google_compute_instance.google_vault"),
               // line 80: only a provider
               QStringLiteral("data.aws_ami.ubuntu ="),
               // lines 72-74: a provider and vars only
               QStringLiteral("azurerm_network_security_group.vault_nsg =")}
        << QStringList()
        << QStringList{QStringLiteral("aws_instance.aws_vault @")}
        << QStringList{QStringLiteral("data.aws_ami.ubuntu"), QStringLiteral("data.aws_availability_zones.available"),
                       QStringLiteral("data.google_compute_regions.available"),
                       QStringLiteral("data.google_compute_zones.available"), QStringLiteral("data.template_file.vault_install")};

    // 0.13-1.6, 62 box nodes (lines 5-66), 4 of them data sources.
    QTest::newRow("corpus iuriikogan tf1x")
        << corpus("iuriikogan_multi_agent_cra_gcp_tf1x.dot") << 62
        << QStringList{QStringLiteral("google_compute_security_policy.policy -> data.http.myip"),            // line 111
                       QStringLiteral("google_compute_url_map.default -> google_compute_backend_service.default")} // line 115
        << QStringList{QStringLiteral("google_project_service.apis -/> google_project_service.artifactregistry")}
        << QStringList{
               // lines 86-89 (90-94 go to vars)
               QStringLiteral("google_cloud_run_v2_service.server = "
                              "google_secret_manager_secret_iam_member.compute_sa_access, "
                              "google_secret_manager_secret_version.gemini_api_key_version, google_sql_database.main, "
                              "google_vpc_access_connector.serverless"),
               // lines 130-131: the google-beta provider is dropped
               QStringLiteral("google_project_service_identity.secretmanager_agent = data.google_project.project"),
               // lines 166-169
               QStringLiteral("google_sql_database_instance.main = google_project_service.apis, "
                              "google_service_networking_connection.private_vpc_connection"),
               // line 78: only a provider
               QStringLiteral("data.google_client_config.default =")}
        << QStringList() << QStringList()
        << QStringList{QStringLiteral("data.google_client_config.default"), QStringLiteral("data.google_project.project"),
                       QStringLiteral("data.google_project.project_registry"), QStringLiteral("data.http.myip")};

    // UTF-16LE with a byte-order mark, as PowerShell writes it: 4 resources (decoded lines 5-8).
    QTest::newRow("corpus bervproject utf16le")
        << corpus("bervproject_lambda_sharp_utf16le.dot") << 4
        << QStringList{QStringLiteral("aws_lambda_function.lambda_container_demo -> aws_iam_role.iam_for_lambda")}
        << QStringList{QStringLiteral("aws_lambda_function_url.lambda_container_demo_dev -/> aws_iam_role.iam_for_lambda")}
        << QStringList{
               QStringLiteral("aws_lambda_function_url.lambda_container_demo_dev = aws_lambda_function.lambda_container_demo"),
               QStringLiteral("aws_dynamodb_table.lambda_container_demo_dev ="), // only the provider
               QStringLiteral("aws_iam_role.iam_for_lambda =")}
        << QStringList() << QStringList() << QStringList();

    // 0.4-0.5 with the module expanded: 6 root resources (2 of them instances of a count) and 4 in
    // module.consul. Edges into the module (lhead) stand for all its nodes, edges out of it (ltail)
    // for all of them too; "0_aws_instance.web" is the undrawn whole of the two instances.
    QTest::newRow("tf05 module expanded")
        << fixture("tf05_module_expanded.dot") << 10
        << QStringList{QStringLiteral("aws_instance.web[0] -> module.consul.aws_instance.server[2]"),
                       QStringLiteral("aws_instance.web[1] -> module.consul.aws_security_group.consul"),
                       QStringLiteral("aws_instance.web[0] -> aws_security_group.default")}
        << QStringList{QStringLiteral("aws_subnet.default -/> module.consul.aws_security_group.consul")}
        << QStringList{
               QStringLiteral("aws_elb.web = aws_instance.web[0], aws_instance.web[1], aws_subnet.default"),
               QStringLiteral("module.consul.aws_instance.server[1] = module.consul.aws_security_group.consul, aws_subnet.default"),
               QStringLiteral("module.consul.aws_security_group.consul = aws_subnet.default"),
               QStringLiteral("aws_vpc.default =")}
        << QStringList{QStringLiteral("module.consul")}
        << QStringList{QStringLiteral("module.consul.aws_instance.server[0] @ module.consul"),
                       QStringLiteral("aws_instance.web[0] @")}
        << QStringList();

    // 0.4-0.5 with the module as one node: aws_instance.web reaches the subnet only through it.
    QTest::newRow("tf05 module collapsed")
        << fixture("tf05_module_collapsed.dot") << 5
        << QStringList{QStringLiteral("aws_elb.web -> aws_instance.web")}
        << QStringList()
        << QStringList{QStringLiteral("aws_instance.web = aws_security_group.default, aws_subnet.default"),
                       QStringLiteral("aws_subnet.default = aws_vpc.default")}
        << QStringList() << QStringList() << QStringList();

    // 0.7-0.11: module variables and outputs carry the dependencies between modules.
    QTest::newRow("tf011 modules")
        << fixture("tf011_modules.dot") << 8
        << QStringList{QStringLiteral("module.db.aws_db_instance.main -> module.db.aws_db_subnet_group.main")}
        << QStringList{QStringLiteral("aws_vpc.main -/> data.aws_ami.ubuntu")}
        << QStringList{
               // through module.web.output.public_ip
               QStringLiteral("aws_route53_record.www = module.web.aws_instance.web"),
               // through module.web.var.ami and module.web.var.subnet_id
               QStringLiteral("module.web.aws_instance.web = module.web.aws_security_group.web, data.aws_ami.ubuntu, aws_subnet.public"),
               QStringLiteral("module.web.aws_security_group.web = aws_vpc.main"),     // module.web.var.vpc_id
               QStringLiteral("module.db.aws_db_subnet_group.main = aws_subnet.public")} // module.db.var.subnet_ids
        << QStringList{QStringLiteral("module.db"), QStringLiteral("module.web")}
        << QStringList{QStringLiteral("module.web.aws_instance.web @ module.web"), QStringLiteral("aws_vpc.main @")}
        << QStringList{QStringLiteral("data.aws_ami.ubuntu")};

    // 0.13-1.6: module.mod2 has depends_on = [module.mod1]: mod2's resource reaches mod1's through
    // module.mod2.var.pet_length -> module.mod2 (expand) -> module.mod1 (close) -> ...
    QTest::newRow("tf1x terragraph module depends_on")
        << fixture("tf1x_terragraph_module_depends_on.dot") << 4
        << QStringList()
        << QStringList{QStringLiteral("module.mod1.random_pet.this -/> module.mod1.time_sleep.this")}
        << QStringList{
               QStringLiteral("module.mod2.random_pet.this = module.mod1.random_pet.this2, module.mod1.random_pet.this"),
               QStringLiteral("module.mod1.random_pet.this2 = module.mod1.time_sleep.this"),
               QStringLiteral("module.mod1.random_pet.this =")}
        << QStringList{QStringLiteral("module.mod1"), QStringLiteral("module.mod2")}
        << QStringList{QStringLiteral("module.mod2.random_pet.this @ module.mod2")}
        << QStringList();

    // 0.13-1.6 with nested modules, a local, a provider alias and module depends_on.
    QTest::newRow("tf1x nested modules")
        << fixture("tf1x_nested_modules.dot") << 7
        << QStringList()
        << QStringList{QStringLiteral("module.dns.aws_route53_record.app -/> module.app.module.network.aws_vpc.this")}
        << QStringList{
               QStringLiteral("aws_s3_bucket.logs = data.aws_caller_identity.current"), // through local.bucket_name
               // through module.app.module.network.output.private_subnet_ids and module.app.var.log_bucket
               QStringLiteral("module.app.aws_lb.this = module.app.module.network.aws_subnet.private, aws_s3_bucket.logs"),
               // through module.dns.var.lb_dns_name, and module.dns (expand) -> module.app (close)
               QStringLiteral("module.dns.aws_route53_record.app = module.app.aws_lb.this, "
                              "module.app.module.network.aws_subnet.private, aws_s3_bucket.logs"),
               QStringLiteral("module.app.module.network.aws_subnet.private = module.app.module.network.aws_vpc.this, "
                              "module.app.module.network.data.aws_availability_zones.available"),
               QStringLiteral("module.app.module.network.aws_vpc.this =")}
        << QStringList{QStringLiteral("module.app"), QStringLiteral("module.app.module.network"), QStringLiteral("module.dns")}
        << QStringList{QStringLiteral("module.app.module.network.aws_vpc.this @ module.app.module.network"),
                       QStringLiteral("module.app.aws_lb.this @ module.app")}
        << QStringList{QStringLiteral("data.aws_caller_identity.current"),
                       QStringLiteral("module.app.module.network.data.aws_availability_zones.available")};

    // 1.7+: plain addresses, one cluster per module.
    QTest::newRow("tf17 module data source")
        << fixture("tf17_module_data_source.dot") << 9
        << QStringList{QStringLiteral("aws_iam_role_policy_attachment.workers -> aws_iam_role.workers")}
        << QStringList()
        << QStringList{
               QStringLiteral("module.cluster.data.aws_caller_identity.current = aws_iam_role_policy_attachment.workers, "
                              "aws_kms_key.cluster"),
               QStringLiteral("module.cluster.aws_eks_cluster.this = "
                              "aws_subnet.workers, "
                              "module.cluster.aws_iam_role_policy_attachment.cluster"),
               QStringLiteral("module.cluster.aws_iam_role_policy_attachment.cluster = "
                              "module.cluster.data.aws_caller_identity.current"),
               QStringLiteral("aws_iam_role.workers =")}
        << QStringList{QStringLiteral("module.cluster")}
        << QStringList{QStringLiteral("module.cluster.aws_eks_cluster.this @ module.cluster"),
                       QStringLiteral("aws_kms_key.cluster @")}
        << QStringList{QStringLiteral("module.cluster.data.aws_caller_identity.current")};

    QTest::newRow("tf17 nested module clusters")
        << fixture("tf17_nested_module_clusters.dot") << 7
        << QStringList()
        << QStringList()
        << QStringList{QStringLiteral("module.dns.aws_route53_record.app = module.app.aws_lb.this"),
                       QStringLiteral("module.app.aws_lb.this = aws_s3_bucket.logs, module.app.module.network.aws_subnet.private")}
        << QStringList{QStringLiteral("module.app"), QStringLiteral("module.app.module.network"), QStringLiteral("module.dns")}
        << QStringList{QStringLiteral("module.app.module.network.aws_subnet.private @ module.app.module.network")}
        << QStringList{QStringLiteral("data.aws_caller_identity.current"),
                       QStringLiteral("module.app.module.network.data.aws_availability_zones.available")};
}

void Tst_terraformdotimporter::importsGraph()
{
    QFETCH(QString, path);
    QFETCH(int, resources);
    QFETCH(QStringList, edges);
    QFETCH(QStringList, nonEdges);
    QFETCH(QStringList, exact);
    QFETCH(QStringList, groups);
    QFETCH(QStringList, members);
    QFETCH(QStringList, data);

    const ImportedPlan plan = TerraformDotImporter::read(decodedFile(path));
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(diagnosticsText(plan)));
    QCOMPARE(plan.resources.size(), resources);

    QSet<QString> addresses;
    for (const ImportedResource &resource : plan.resources) {
        QVERIFY2(!addresses.contains(resource.address), qPrintable(resource.address));
        addresses.insert(resource.address);
        QVERIFY2(!resource.address.contains(QLatin1Char(' ')) && !resource.address.startsWith(QLatin1Char('[')),
                 qPrintable(resource.address));
        for (const QString &dependency : resource.dependsOn)
            QVERIFY2(findResource(plan, dependency), qPrintable(resource.address + QStringLiteral(" -> ") + dependency));
        QCOMPARE(QSet<QString>(resource.dependsOn.cbegin(), resource.dependsOn.cend()).size(), resource.dependsOn.size());
        QVERIFY(!resource.dependsOn.contains(resource.address));
        // The type is the address's second-to-last part: "module.a.data.aws_ami.x" is an aws_ami.
        QStringList parts = resource.address.split(QLatin1Char('.'));
        QCOMPARE(resource.type, parts[parts.size() - 2]);
        const bool isData = data.contains(resource.address);
        QCOMPARE(resource.run, !isData);
        QCOMPARE(resource.source.value("mode", std::string()), isData ? std::string("data") : std::string("managed"));
        if (isData)
            QVERIFY(resource.note.startsWith(QLatin1String("data source")));
        else
            QVERIFY(resource.note.isEmpty());
        // Every resource of a module is in its group, and groups exist for exactly those modules.
        QCOMPARE(resource.group.isEmpty(), !resource.address.startsWith(QLatin1String("module.")));
        if (!resource.group.isEmpty())
            QVERIFY(resource.address.startsWith(resource.group + QLatin1Char('.')));
    }
    for (const QString &address : data)
        QVERIFY2(addresses.contains(address), qPrintable(address));

    for (const QString &edge : edges) {
        const auto [from, to] = arrow(edge, QStringLiteral("->"));
        const ImportedResource *resource = findResource(plan, from);
        QVERIFY2(resource, qPrintable(from));
        QVERIFY2(resource->dependsOn.contains(to), qPrintable(edge + QStringLiteral("; has ") + resource->dependsOn.join(QStringLiteral(", "))));
    }
    for (const QString &edge : nonEdges) {
        const auto [from, to] = arrow(edge, QStringLiteral("-/>"));
        const ImportedResource *resource = findResource(plan, from);
        QVERIFY2(resource, qPrintable(from));
        QVERIFY2(!resource->dependsOn.contains(to), qPrintable(edge));
    }
    for (const QString &fact : exact) {
        const auto [from, to] = arrow(fact, QStringLiteral("="));
        const ImportedResource *resource = findResource(plan, from);
        QVERIFY2(resource, qPrintable(from));
        const QStringList expected = to.isEmpty() ? QStringList() : to.split(QStringLiteral(", "));
        QCOMPARE(sorted(resource->dependsOn), sorted(expected));
    }

    QStringList groupNames;
    for (const ImportedGroup &group : plan.groups)
        groupNames << group.name;
    QCOMPARE(groupNames, groups);
    QSet<QString> used;
    for (const ImportedResource &resource : plan.resources) {
        if (!resource.group.isEmpty())
            used.insert(resource.group);
    }
    QCOMPARE(used, QSet<QString>(groups.cbegin(), groups.cend()));
    for (const QString &member : members) {
        const auto [address, group] = arrow(member, QStringLiteral("@"));
        const ImportedResource *resource = findResource(plan, address);
        QVERIFY2(resource, qPrintable(address));
        QCOMPARE(resource->group, group);
    }
}

// Terraform 0.13-1.6 and 1.7+ draw one configuration very differently; the resources and modules
// read from them are the same.
void Tst_terraformdotimporter::bothNewDialectsAgree()
{
    const ImportedPlan before = TerraformDotImporter::read(decodedFile(fixture("tf1x_nested_modules.dot")));
    const ImportedPlan after = TerraformDotImporter::read(decodedFile(fixture("tf17_nested_module_clusters.dot")));
    QStringList beforeAddresses, afterAddresses, beforeGroups, afterGroups;
    for (const ImportedResource &r : before.resources)
        beforeAddresses << r.address + QStringLiteral(" @ ") + r.group;
    for (const ImportedResource &r : after.resources)
        afterAddresses << r.address + QStringLiteral(" @ ") + r.group;
    for (const ImportedGroup &g : before.groups)
        beforeGroups << g.name;
    for (const ImportedGroup &g : after.groups)
        afterGroups << g.name;
    QCOMPARE(sorted(beforeAddresses), sorted(afterAddresses));
    QCOMPARE(beforeGroups, afterGroups);
}

// What each kind of node id becomes: a resource with an address, or nothing (dropped, with the
// edges through it kept). Each id is tested as `"<id>" -> "[root] aws_vpc.anchor (expand)"`.
void Tst_terraformdotimporter::nodeAddresses_data()
{
    QTest::addColumn<QString>("id");      // as written between the quotes of the DOT file
    QTest::addColumn<QString>("address"); // empty: not a resource
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("mode");

    QTest::newRow("0.13+ resource") << QStringLiteral("[root] aws_instance.web (expand)")
                                    << QStringLiteral("aws_instance.web") << QStringLiteral("aws_instance") << QString()
                                    << QStringLiteral("managed");
    QTest::newRow("instance keys with dots")
        << QStringLiteral("[root] module.a[\\\"x.y\\\"].aws_instance.web[\\\"k\\\"] (expand)")
        << QStringLiteral("module.a[\"x.y\"].aws_instance.web[\"k\"]") << QStringLiteral("aws_instance")
        << QStringLiteral("module.a[\"x.y\"]") << QStringLiteral("managed");
    QTest::newRow("instance index") << QStringLiteral("[root] aws_vpc.main[0]") << QStringLiteral("aws_vpc.main[0]")
                                    << QStringLiteral("aws_vpc") << QString() << QStringLiteral("managed");
    QTest::newRow("terraform_data") << QStringLiteral("[root] terraform_data.x (expand)") << QStringLiteral("terraform_data.x")
                                    << QStringLiteral("terraform_data") << QString() << QStringLiteral("managed");
    QTest::newRow("data source in nested module")
        << QStringLiteral("[root] module.a.module.b.data.aws_ami.x (expand)") << QStringLiteral("module.a.module.b.data.aws_ami.x")
        << QStringLiteral("aws_ami") << QStringLiteral("module.a.module.b") << QStringLiteral("data");
    QTest::newRow("ephemeral resource")
        << QStringLiteral("[root] ephemeral.random_password.db (expand)") << QStringLiteral("ephemeral.random_password.db")
        << QStringLiteral("random_password") << QString() << QStringLiteral("ephemeral");
    QTest::newRow("0.7 module subgraph") << QStringLiteral("[module.consul] aws_instance.server")
                                         << QStringLiteral("module.consul.aws_instance.server")
                                         << QStringLiteral("aws_instance") << QStringLiteral("module.consul")
                                         << QStringLiteral("managed");
    QTest::newRow("1.7 data source") << QStringLiteral("data.aws_ami.ubuntu") << QStringLiteral("data.aws_ami.ubuntu")
                                     << QStringLiteral("aws_ami") << QString() << QStringLiteral("data");
    QTest::newRow("0.5 count instance") << QStringLiteral("0_aws_instance.web.3") << QStringLiteral("aws_instance.web[3]")
                                        << QStringLiteral("aws_instance") << QString() << QStringLiteral("managed");

    const QStringList dropped = {
        QStringLiteral("[root] provider[\\\"registry.terraform.io/hashicorp/aws\\\"]"),
        QStringLiteral("[root] provider[\\\"registry.terraform.io/hashicorp/aws\\\"].west"),
        QStringLiteral("[root] provider[\\\"registry.terraform.io/hashicorp/aws\\\"] (close)"),
        QStringLiteral("[root] provider.aws"),
        QStringLiteral("[root] provider.aws.west"),
        QStringLiteral("[root] module.x.provider.aws"),
        QStringLiteral("[root] var.region"),
        QStringLiteral("[root] module.x.var.region (expand)"),
        QStringLiteral("[root] local.name (expand)"),
        QStringLiteral("[root] output.ip (expand)"),
        QStringLiteral("[root] module.x (expand)"),
        QStringLiteral("[root] module.x (close)"),
        QStringLiteral("[root] module.x.module.y (close)"),
        QStringLiteral("[root] aws_instance.web (destroy)"),
        QStringLiteral("[root] meta.count-boundary (count boundary fixup)"),
        QStringLiteral("[root] meta.count-boundary (EachMode fixup)"),
        QStringLiteral("[root] root"),
        QStringLiteral("0_provider.aws"),
        QStringLiteral("0_module.consul"),
        QStringLiteral("0_module.consul_hidden"),
        QStringLiteral("root"),
        QStringLiteral("web server"),
    };
    for (const QString &id : dropped)
        QTest::newRow(qPrintable(id)) << id << QString() << QString() << QString() << QString();
}

void Tst_terraformdotimporter::nodeAddresses()
{
    QFETCH(QString, id);
    QFETCH(QString, address);
    QFETCH(QString, type);
    QFETCH(QString, group);
    QFETCH(QString, mode);

    const QString text = QStringLiteral("digraph {\n\t\"%1\" -> \"[root] aws_vpc.anchor (expand)\"\n}\n").arg(id);
    const ImportedPlan plan = TerraformDotImporter::read(text.toStdString());
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(diagnosticsText(plan)));
    if (address.isEmpty()) {
        QCOMPARE(plan.resources.size(), 1);
        QCOMPARE(plan.resources[0].address, QStringLiteral("aws_vpc.anchor"));
        return;
    }
    QCOMPARE(plan.resources.size(), 2);
    const ImportedResource &resource = plan.resources[0];
    QCOMPARE(resource.address, address);
    QCOMPARE(resource.type, type);
    QCOMPARE(resource.group, group);
    QCOMPARE(resource.source.value("mode", std::string()), mode.toStdString());
    QCOMPARE(resource.run, mode == QLatin1String("managed"));
    QCOMPARE(resource.dependsOn, QStringList{QStringLiteral("aws_vpc.anchor")});
    QCOMPARE(plan.groups.size(), group.isEmpty() ? 0 : 1);
}

void Tst_terraformdotimporter::truncatedFileReportsWhere_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("chrisvanmeer") << corpus("chrisvanmeer_vault_multicloud_tf1x.dot");
    QTest::newRow("iuriikogan") << corpus("iuriikogan_multi_agent_cra_gcp_tf1x.dot");
    QTest::newRow("bervproject utf16le") << corpus("bervproject_lambda_sharp_utf16le.dot");
    QTest::newRow("tf05 module expanded") << fixture("tf05_module_expanded.dot");
    QTest::newRow("tf17 module data source") << fixture("tf17_module_data_source.dot");
}

// The first half of a file is an error that says where the text stops making sense and why.
void Tst_terraformdotimporter::truncatedFileReportsWhere()
{
    QFETCH(QString, path);
    const QString text = QString::fromStdString(decodedFile(path));
    const QString half = text.left(text.size() / 2);
    const int lineCount = int(half.count(QLatin1Char('\n'))) + 1;

    const ImportedPlan plan = TerraformDotImporter::read(half.toStdString());
    QVERIFY(plan.hasErrors());
    QVERIFY(plan.resources.isEmpty());
    const Diagnostic &first = plan.diagnostics.first();
    QVERIFY2(first.isError(), qPrintable(first.toString()));
    QVERIFY2(first.line >= 1 && first.line <= lineCount, qPrintable(first.toString()));
    QVERIFY2(first.message.contains(QLatin1String("expected terraform graph output: digraph { ... }")),
             qPrintable(first.message));
    QVERIFY2(first.message.contains(QLatin1String("cut short")), qPrintable(first.message));
}

// Cut anywhere, a file never crashes the importer nor reads as something else: it is either the
// whole graph (only the trailing newline or brace was cut) or an error with a line number.
void Tst_terraformdotimporter::anyTruncationIsAnErrorNotACrash()
{
    const std::string whole = decodedFile(corpus("chrisvanmeer_vault_multicloud_tf1x.dot"));
    const ImportedPlan complete = TerraformDotImporter::read(whole);
    int errors = 0;
    for (size_t size = 0; size < whole.size(); size += 7) {
        const std::string part = whole.substr(0, size);
        const ImportedPlan plan = TerraformDotImporter::read(part);
        if (plan.hasErrors()) {
            ++errors;
            QVERIFY(plan.resources.isEmpty());
            const Diagnostic &first = plan.diagnostics.first();
            QVERIFY2(size == 0 || first.line >= 1, qPrintable(first.toString()));
            QVERIFY2(first.line <= int(std::count(part.cbegin(), part.cend(), '\n')) + 1, qPrintable(first.toString()));
        } else {
            QCOMPARE(plan.resources.size(), complete.resources.size());
        }
    }
    QVERIFY(errors > int(whole.size() / 7) - 2);

    // The same around the quoted strings of a small file, one character at a time.
    const std::string small = decodedFile(corpus("bervproject_lambda_sharp_utf16le.dot"));
    for (size_t size = 0; size + 3 < small.size(); ++size)
        QVERIFY(TerraformDotImporter::read(small.substr(0, size)).hasErrors());
}

void Tst_terraformdotimporter::badInputIsAClearError_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray() << 0 << 0 << QStringLiteral("the file is empty");
    QTest::newRow("blank") << QByteArray("\n  \n\t\n") << 0 << 0 << QStringLiteral("the file is empty");
    QTest::newRow("comment only") << QByteArray("// nothing here\n/* or here */\n") << 1 << 0
                                  << QStringLiteral("no graph found");
    QTest::newRow("garbage") << QByteArray("hello world\n") << 1 << 1 << QStringLiteral("syntax error near 'hello'");
    QTest::newRow("garbage on line 3") << QByteArray("digraph {\n  a -> b\n  c -> } d\n}\n") << 3 << 8
                                       << QStringLiteral("syntax error near '}'");
    QTest::newRow("plan JSON") << QByteArray("{\n  \"format_version\": \"1.2\"\n}\n") << 1 << 1
                               << QStringLiteral("syntax error near '{'");
    QTest::newRow("undirected") << QByteArray("\ngraph {}\n") << 2 << 0 << QStringLiteral("undirected graph");
    QTest::newRow("undirected terraform") << QByteArray("graph {\n\t\"[root] aws_instance.a\" -- \"[root] aws_vpc.b\"\n}\n")
                                          << 1 << 0 << QStringLiteral("undirected graph");
    QTest::newRow("no nodes") << QByteArray("digraph {}\n") << 0 << 0 << QStringLiteral("the graph has no nodes");
    QTest::newRow("no resources")
        << QByteArray("digraph {\n\t\"[root] var.x\" -> \"[root] provider.aws\"\n\t\"[root] root\" -> \"[root] var.x\"\n}\n")
        << 0 << 0 << QStringLiteral("none of the graph's 3 nodes (\"[root] var.x\", ...) is a Terraform resource");
    QTest::newRow("unclosed string")
        << QByteArray("digraph {\n\t\"[root] aws_vpc.a\" -> \"[root] aws_subn") << 2 << 24
        << QStringLiteral("a quoted string is never closed");
    QTest::newRow("cut in an arrow") << QByteArray("digraph {\n\t\"aws_vpc.a\" -") << 2 << 14
                                     << QStringLiteral("the text ends in the middle of a statement, at '-'");
    QTest::newRow("unclosed brace") << QByteArray("digraph {\n\t\"aws_vpc.a\" -> \"aws_subnet.b\"\n\n") << 2 << 0
                                    << QStringLiteral("the text ends before the graph does");
    QTest::newRow("NUL byte") << QByteArray("digraph {\n\0}", 12) << 2 << 0 << QStringLiteral("NUL byte");
}

void Tst_terraformdotimporter::badInputIsAClearError()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);

    const ImportedPlan plan = TerraformDotImporter::read(text.toStdString());
    QVERIFY(plan.resources.isEmpty());
    QCOMPARE(errorCount(plan.diagnostics), 1);
    const Diagnostic &error = plan.diagnostics.last();
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QVERIFY2(error.message.contains(QLatin1String("expected terraform graph output")), qPrintable(error.message));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
}

// Graphviz prints its errors to stderr unless told otherwise; a GUI's stderr is no place for them.
void Tst_terraformdotimporter::graphvizPrintsNothing()
{
    QTemporaryFile capture;
    QVERIFY(capture.open());
    fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    QVERIFY(saved >= 0);
    QVERIFY(dup2(capture.handle(), STDERR_FILENO) >= 0);
    int errors = 0;
    for (const char *text : {"hello world", "digraph { a -> }", "digraph { \"a", "graph {}", "digraph { a -> b [x=<y] }"})
        errors += errorCount(TerraformDotImporter::read(text).diagnostics);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    QCOMPARE(errors, 5);
    QFile written(capture.fileName());
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), QByteArray());
}

// Graphviz is not thread-safe. The GUI lays out graphs on a thread of its own while the user may
// import a file: the two must take turns, and so must imports on several threads.
void Tst_terraformdotimporter::importsWhileGraphvizLaysOut()
{
    const std::string text = decodedFile(corpus("iuriikogan_multi_agent_cra_gcp_tf1x.dot"));
    const ImportedPlan expected = TerraformDotImporter::read(text);
    QCOMPARE(expected.resources.size(), 62);

    std::atomic<bool> stop = false;
    std::atomic<int> layouts = 0;
    QThread *layoutThread = QThread::create([&] {
        GraphLayoutEngine engine;
        GraphLayoutInput input;
        for (int i = 0; i < 60; ++i) {
            input.nodes.append(GraphLayoutInput::Node{QString::number(i), QSizeF(120, 40), i % 3 == 0 ? -1 : 0});
            if (i > 0)
                input.edges.append({i, i / 2});
        }
        input.groups.append(GraphLayoutInput::Group{QStringLiteral("module.a"), QSizeF(60, 14)});
        while (!stop) {
            engine.layout(input);
            ++layouts;
        }
    });
    layoutThread->start();

    const QList<int> runs(16, 0);
    const QList<QStringList> results = QtConcurrent::blockingMapped(runs, [&text](int) {
        const ImportedPlan plan = TerraformDotImporter::read(text);
        QStringList facts;
        for (const ImportedResource &r : plan.resources)
            facts << r.address + QLatin1Char('=') + r.dependsOn.join(QLatin1Char(','));
        return facts;
    });
    QTRY_VERIFY(layouts > 0);
    stop = true;
    layoutThread->wait();
    delete layoutThread;

    QStringList facts;
    for (const ImportedResource &r : expected.resources)
        facts << r.address + QLatin1Char('=') + r.dependsOn.join(QLatin1Char(','));
    for (const QStringList &result : results)
        QCOMPARE(result, facts);
}

QTEST_GUILESS_MAIN(Tst_terraformdotimporter)
#include "tst_terraformdotimporter.moc"
