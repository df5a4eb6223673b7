#include "engine/import/terraformplanimporter.h"
#include "engine/support/textdecoder.h"

#include <QtTest>

using namespace fanout;

namespace {

struct CorpusExpectation
{
    int resources = 0;
    QStringList groups;  // in the order the plan first names them
    QStringList notRun;  // every resource imported with run = false
    QStringList edges;   // "A -> B": A depends on B
    QStringList absent;  // "A -> B" that must not be there
    int edgeCount = -1;  // -1: not checked
};

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return file.readAll();
}

QString corpusPath(const QString &name)
{
    return QStringLiteral(FANOUT_CORPUS "/terraform-json/") + name;
}

QString fixturePath(const QString &name)
{
    return QStringLiteral(FANOUT_FIXTURES "/import/terraform-plan/") + name;
}

ImportedPlan importFile(const QString &path)
{
    return TerraformPlanImporter::read(TextDecoder::toUtf8(readBytes(path)));
}

QString describe(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString());
    return lines.join(QLatin1Char('\n'));
}

QStringList edgesOf(const ImportedPlan &plan)
{
    QStringList edges;
    for (const ImportedResource &r : plan.resources) {
        for (const QString &dependency : r.dependsOn)
            edges.append(r.address + QStringLiteral(" -> ") + dependency);
    }
    return edges;
}

const ImportedResource *findResource(const ImportedPlan &plan, const QString &address)
{
    for (const ImportedResource &r : plan.resources) {
        if (r.address == address)
            return &r;
    }
    return nullptr;
}

// Kahn's algorithm: true when every resource can be ordered after what it depends on.
bool acyclic(const ImportedPlan &plan)
{
    QHash<QString, int> index;
    for (int i = 0; i < plan.resources.size(); ++i)
        index.insert(plan.resources[i].address, i);
    QList<int> waiting(plan.resources.size(), 0);
    QList<QList<int>> dependents(plan.resources.size());
    for (int i = 0; i < plan.resources.size(); ++i) {
        for (const QString &dependency : plan.resources[i].dependsOn) {
            ++waiting[i];
            dependents[index.value(dependency)].append(i);
        }
    }
    QList<int> ready;
    for (int i = 0; i < waiting.size(); ++i) {
        if (waiting[i] == 0)
            ready.append(i);
    }
    int ordered = 0;
    while (!ready.isEmpty()) {
        const int i = ready.takeLast();
        ++ordered;
        for (const int d : dependents[i]) {
            if (--waiting[d] == 0)
                ready.append(d);
        }
    }
    return ordered == plan.resources.size();
}

// What every import must satisfy, whatever the file: each dependency names another resource of
// the import, once.
void checkWellFormed(const ImportedPlan &plan)
{
    QSet<QString> addresses;
    for (const ImportedResource &r : plan.resources) {
        QVERIFY2(!addresses.contains(r.address), qPrintable(r.address));
        addresses.insert(r.address);
    }
    for (const ImportedResource &r : plan.resources) {
        QSet<QString> seen;
        for (const QString &dependency : r.dependsOn) {
            QVERIFY2(dependency != r.address, qPrintable(r.address));
            QVERIFY2(addresses.contains(dependency), qPrintable(dependency));
            QVERIFY2(!seen.contains(dependency), qPrintable(r.address + QStringLiteral(" lists twice ") + dependency));
            seen.insert(dependency);
        }
    }
}

void checkEdges(const ImportedPlan &plan, const QStringList &edges, const QStringList &absent)
{
    const QStringList found = edgesOf(plan);
    for (const QString &edge : edges)
        QVERIFY2(found.contains(edge), qPrintable(QStringLiteral("missing %1; found:\n%2").arg(edge, found.join(QLatin1Char('\n')))));
    for (const QString &edge : absent)
        QVERIFY2(!found.contains(edge), qPrintable(QStringLiteral("unexpected %1").arg(edge)));
}

// What each corpus file must import as. The edges were read off the files by hand; the comment
// on each says where in the file it comes from.
QHash<QString, CorpusExpectation> corpusExpectations()
{
    QHash<QString, CorpusExpectation> e;

    // Terraform 0.12, root module only, every resource created.
    e.insert(QStringLiteral("checkov_plan_55res_tf0.12.json"), CorpusExpectation{
        55, {}, {},
        {
            // configuration ... aws_eks_cluster.eks_cluster: "depends_on": [policy_attachment-AmazonEKSClusterPolicy, ...]
            QStringLiteral("aws_eks_cluster.eks_cluster -> aws_iam_role_policy_attachment.policy_attachment-AmazonEKSClusterPolicy"),
            QStringLiteral("aws_eks_cluster.eks_cluster -> aws_iam_role_policy_attachment.policy_attachment-AmazonEKSServicePolicy"),
            // aws_eks_cluster.eks_cluster: "role_arn": {"references": ["aws_iam_role.iam_for_eks"]}
            QStringLiteral("aws_eks_cluster.eks_cluster -> aws_iam_role.iam_for_eks"),
            // aws_db_instance.default: "db_subnet_group_name": {"references": ["aws_db_subnet_group.default"]}
            QStringLiteral("aws_db_instance.default -> aws_db_subnet_group.default"),
            // aws_route.public_internet_gateway: "gateway_id": {"references": ["aws_internet_gateway.web_igw"]}
            QStringLiteral("aws_route.public_internet_gateway -> aws_internet_gateway.web_igw"),
            // aws_neptune_cluster_instance.default (count): "cluster_identifier": {"references": ["aws_neptune_cluster.default"]}
            QStringLiteral("aws_neptune_cluster_instance.default[0] -> aws_neptune_cluster.default"),
        },
        {
            // dependencies go one way: what is used does not wait for what uses it
            QStringLiteral("aws_subnet.web_subnet -> aws_route_table_association.rtbassoc"),
            QStringLiteral("aws_vpc.web_vpc -> aws_subnet.web_subnet"),
        }});

    // Terraform 0.14, modules three deep, many no-ops; dependencies in modules come from prior_state too.
    e.insert(QStringLiteral("infracost_terraform_v0.14_plan_modules.json"), CorpusExpectation{
        26,
        {QStringLiteral("module.db"),
         QStringLiteral("module.db.module.db_1.module.db_instance"), QStringLiteral("module.db.module.db_1.module.db_option_group"),
         QStringLiteral("module.db.module.db_1.module.db_parameter_group"), QStringLiteral("module.db.module.db_1.module.db_subnet_group"),
         QStringLiteral("module.db.module.db_2.module.db_instance"), QStringLiteral("module.db.module.db_2.module.db_option_group"),
         QStringLiteral("module.db.module.db_2.module.db_parameter_group"), QStringLiteral("module.db.module.db_2.module.db_subnet_group"),
         QStringLiteral("module.instances")},
        // every entry whose actions are ["no-op"]
        {QStringLiteral("aws_instance.instance_1"), QStringLiteral("aws_instance.instance_counted[0]"),
         QStringLiteral("aws_instance.instance_named[\"test.1\"]"), QStringLiteral("module.db.aws_default_vpc.default"),
         QStringLiteral("module.db.module.db_1.module.db_instance.aws_iam_role.enhanced_monitoring[0]"),
         QStringLiteral("module.db.module.db_1.module.db_instance.aws_iam_role_policy_attachment.enhanced_monitoring[0]"),
         QStringLiteral("module.db.module.db_1.module.db_option_group.aws_db_option_group.this[0]"),
         QStringLiteral("module.db.module.db_1.module.db_parameter_group.aws_db_parameter_group.this[0]"),
         QStringLiteral("module.db.module.db_1.module.db_subnet_group.aws_db_subnet_group.this[0]"),
         QStringLiteral("module.instances.aws_default_vpc.default"), QStringLiteral("module.instances.aws_instance.module_instance_1"),
         QStringLiteral("module.instances.aws_instance.module_instance_counted[0]"),
         QStringLiteral("module.instances.aws_instance.module_instance_named[\"test.1\"]")},
        {
            // prior_state ... module.db.module.db_1.module.db_instance.aws_db_instance.this[0]:
            // "depends_on": ["module.db.aws_default_vpc.default", ..., "module.db.module.db_1.module.db_option_group.aws_db_option_group.this", ...]
            QStringLiteral("module.db.module.db_1.module.db_instance.aws_db_instance.this[0] -> module.db.aws_default_vpc.default"),
            QStringLiteral("module.db.module.db_1.module.db_instance.aws_db_instance.this[0] -> module.db.module.db_1.module.db_option_group.aws_db_option_group.this[0]"),
            // prior_state ... db_1 ... aws_db_subnet_group.this[0]: "depends_on": ["module.db.aws_default_vpc.default", ...]
            QStringLiteral("module.db.module.db_1.module.db_subnet_group.aws_db_subnet_group.this[0] -> module.db.aws_default_vpc.default"),
            // configuration ... module_calls.db_2.module.module_calls.db_instance.module ...
            // aws_iam_role_policy_attachment.enhanced_monitoring: "role": {"references": ["aws_iam_role.enhanced_monitoring[0]"]}
            QStringLiteral("module.db.module.db_2.module.db_instance.aws_iam_role_policy_attachment.enhanced_monitoring[0] -> module.db.module.db_2.module.db_instance.aws_iam_role.enhanced_monitoring[0]"),
            // prior_state ... db_1 ... aws_db_instance.this[0]: "depends_on": [..., "module.db.module.db_1.module.db_instance.aws_iam_role.enhanced_monitoring", ...]
            // (configuration has it only through local.monitoring_role_arn, which the plan JSON does not describe)
            QStringLiteral("module.db.module.db_1.module.db_instance.aws_db_instance.this[0] -> module.db.module.db_1.module.db_instance.aws_iam_role.enhanced_monitoring[0]"),
        },
        {
            // module-relative: db_1 and db_2 call the same module source, each with its own resources
            QStringLiteral("module.db.module.db_2.module.db_instance.aws_iam_role_policy_attachment.enhanced_monitoring[0] -> module.db.module.db_1.module.db_instance.aws_iam_role.enhanced_monitoring[0]"),
        }});

    // Terraform 0.13, modules with count and for_each; a resource refers to a whole module.
    e.insert(QStringLiteral("tfcompliance_issue456_modules_tf0.13.json"), CorpusExpectation{
        32,
        {QStringLiteral("module.ecr_repository_with_count[0]"), QStringLiteral("module.ecr_repository_with_count[1]"),
         QStringLiteral("module.ecr_repository_with_count[2]"), QStringLiteral("module.ecr_repository_with_for[\"repository_1\"]"),
         QStringLiteral("module.ecr_repository_with_for[\"repository_2\"]"), QStringLiteral("module.other_ecr_repository"),
         QStringLiteral("module.other_ecr_repository_with_count[0]"), QStringLiteral("module.other_ecr_repository_with_count[1]"),
         QStringLiteral("module.other_ecr_repository_with_count[2]"), QStringLiteral("module.other_ecr_repository_with_count[3]"),
         QStringLiteral("module.other_ecr_repository_with_count[4]"), QStringLiteral("module.other_ecr_repository_with_count[5]"),
         QStringLiteral("module.other_ecr_repository_with_count[6]")},
        {},
        {
            // configuration.root_module.resources aws_iam_role.test_iam_role:
            // "name": {"references": ["module.ecr_repository_with_for", "each.key"]}, the whole module: every
            // output, and ecr_repository_with_for's output "ecr_name" refers to aws_ecr_repository.ecr_repository.
            QStringLiteral("aws_iam_role.test_iam_role[\"repository_1\"] -> module.ecr_repository_with_for[\"repository_1\"].aws_ecr_repository.ecr_repository"),
            QStringLiteral("aws_iam_role.test_iam_role[\"repository_1\"] -> module.ecr_repository_with_for[\"repository_2\"].aws_ecr_repository.ecr_repository"),
            QStringLiteral("aws_iam_role.test_iam_role[\"repository_2\"] -> module.ecr_repository_with_for[\"repository_1\"].aws_ecr_repository.ecr_repository"),
            QStringLiteral("aws_iam_role.test_iam_role[\"repository_2\"] -> module.ecr_repository_with_for[\"repository_2\"].aws_ecr_repository.ecr_repository"),
        },
        {
            // no output refers to aws_instance.ecr_repository ("not_ecr_name" has no references)
            QStringLiteral("aws_iam_role.test_iam_role[\"repository_1\"] -> module.ecr_repository_with_for[\"repository_1\"].aws_instance.ecr_repository"),
        },
        4});

    // Terraform 0.12, one module (terraform-aws-modules/vpc) with count everywhere.
    e.insert(QStringLiteral("tfcompliance_issue158_all_modules_tf0.12.json"), CorpusExpectation{
        29, {QStringLiteral("module.vpc")}, {},
        {
            // module_calls.vpc.module ... aws_nat_gateway.this: "depends_on": ["aws_internet_gateway.this"]
            QStringLiteral("module.vpc.aws_nat_gateway.this[0] -> module.vpc.aws_internet_gateway.this[0]"),
            // aws_nat_gateway.this: "subnet_id": {"references": ["aws_subnet.public", "count.index"]}: every instance
            QStringLiteral("module.vpc.aws_nat_gateway.this[1] -> module.vpc.aws_subnet.public[2]"),
            // aws_route.private_nat_gateway: "nat_gateway_id": {"references": ["aws_nat_gateway.this", "count.index"]}
            QStringLiteral("module.vpc.aws_route.private_nat_gateway[2] -> module.vpc.aws_nat_gateway.this[0]"),
            // aws_subnet.private: "ipv6_cidr_block": {"references": ["aws_vpc.this[0]", "count.index"]}
            QStringLiteral("module.vpc.aws_subnet.private[1] -> module.vpc.aws_vpc.this[0]"),
            // aws_route_table_association.public: "route_table_id": {"references": ["aws_route_table.public[0]"]}
            QStringLiteral("module.vpc.aws_route_table_association.public[1] -> module.vpc.aws_route_table.public[0]"),
        },
        {
            // instances of one resource never wait for each other
            QStringLiteral("module.vpc.aws_subnet.private[1] -> module.vpc.aws_subnet.private[0]"),
        }});

    // Terraform 1.2: a module inside a module, and a registry module with count = 1.
    e.insert(QStringLiteral("checkov_nested_child_modules_connections_tf1.2.json"), CorpusExpectation{
        9,
        {QStringLiteral("module.s3_bucket"), QStringLiteral("module.s3_module"), QStringLiteral("module.s3_module.module.s3_submodule")},
        {},
        {
            // root_module aws_s3_bucket_public_access_block.root: "bucket": {"references": ["aws_s3_bucket.root_bucket.id", "aws_s3_bucket.root_bucket"]}
            QStringLiteral("aws_s3_bucket_public_access_block.root -> aws_s3_bucket.root_bucket"),
            // module_calls.s3_bucket.module aws_s3_bucket_acl.this and aws_s3_bucket_public_access_block.this:
            // "bucket": {"references": [..., "aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}
            QStringLiteral("module.s3_bucket.aws_s3_bucket_acl.this[0] -> module.s3_bucket.aws_s3_bucket.this[0]"),
            QStringLiteral("module.s3_bucket.aws_s3_bucket_public_access_block.this[0] -> module.s3_bucket.aws_s3_bucket.this[0]"),
            // module_calls.s3_module.module: aws_s3_bucket_public_access_block.module_bucket refers to aws_s3_bucket.module_bucket
            QStringLiteral("module.s3_module.aws_s3_bucket_public_access_block.module_bucket -> module.s3_module.aws_s3_bucket.module_bucket"),
            // ... module_calls.s3_submodule.module: aws_s3_bucket_public_access_block.submodule_bucket refers to aws_s3_bucket.submodule_bucket
            QStringLiteral("module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket -> module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket"),
        },
        {
            // module-relative: the submodule's aws_s3_bucket.submodule_bucket is not the root's bucket
            QStringLiteral("module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket -> aws_s3_bucket.root_bucket"),
        },
        5});

    // Terraform 1.5: data sources read at apply time (for_each), inside a module.
    e.insert(QStringLiteral("checkov_github_oidc_module_reads_tf1.5.json"), CorpusExpectation{
        9, {QStringLiteral("module.poc")},
        {QStringLiteral("module.poc.data.aws_iam_policy_document.r4[\"p1\"]"), QStringLiteral("module.poc.data.aws_iam_policy_document.r4[\"p2\"]"),
         QStringLiteral("module.poc.data.aws_iam_policy_document.r3[\"p1\"]"), QStringLiteral("module.poc.data.aws_iam_policy_document.r3[\"p2\"]")},
        {
            // module_calls.poc.module aws_iam_role.r6: "assume_role_policy": {"references": ["data.aws_iam_policy_document.r4", ...]}
            QStringLiteral("module.poc.aws_iam_role.r6[\"p1\"] -> module.poc.data.aws_iam_policy_document.r4[\"p1\"]"),
            QStringLiteral("module.poc.aws_iam_role.r6[\"p1\"] -> module.poc.data.aws_iam_policy_document.r4[\"p2\"]"),
            // aws_iam_role.r1 refers to data.aws_iam_policy_document.r3
            QStringLiteral("module.poc.aws_iam_role.r1[\"p2\"] -> module.poc.data.aws_iam_policy_document.r3[\"p1\"]"),
            // data.aws_iam_policy_document.r3 and r4: nested blocks statement[].condition[].variable
            // refer to aws_iam_openid_connect_provider.r5 ("aws_iam_openid_connect_provider.r5.url", ...)
            QStringLiteral("module.poc.data.aws_iam_policy_document.r3[\"p1\"] -> module.poc.aws_iam_openid_connect_provider.r5"),
            QStringLiteral("module.poc.data.aws_iam_policy_document.r4[\"p2\"] -> module.poc.aws_iam_openid_connect_provider.r5"),
        },
        {QStringLiteral("module.poc.aws_iam_role.r6[\"p1\"] -> module.poc.data.aws_iam_policy_document.r3[\"p1\"]")}});

    // UTF-16LE with a byte-order mark; three unrelated resources.
    e.insert(QStringLiteral("checkov_utf16_encoded_tf1.0.json"), CorpusExpectation{3, {}, {}, {}, {}, 0});

    // Terraform 0.13's module depends_on: "module_calls": {"foo": {..., "depends_on": ["null_resource.bar"]}}
    e.insert(QStringLiteral("tfjson_013_module_depends_on.json"), CorpusExpectation{
        3, {QStringLiteral("module.foo")}, {QStringLiteral("module.foo.data.null_data_source.data")},
        {QStringLiteral("module.foo.null_resource.resource -> null_resource.bar"),
         QStringLiteral("module.foo.data.null_data_source.data -> null_resource.bar")},
        {QStringLiteral("null_resource.bar -> module.foo.null_resource.resource")},
        2});

    // One tainted resource replaced: ["delete", "create"], action_reason replace_because_tainted.
    e.insert(QStringLiteral("tfjson_action_reason_replace_tf1.15.json"), CorpusExpectation{1, {}, {}, {}, {}, 0});

    // A moved block: random_id.test2 was random_id.test, and nothing else changes.
    e.insert(QStringLiteral("tfjson_moved_block_tf1.5.json"), CorpusExpectation{1, {}, {QStringLiteral("random_id.test2")}, {}, {}, 0});

    // Terraform 1.1: a module called with for_each; one branch left in state is a no-op.
    e.insert(QStringLiteral("tfsummarize_example_modules_tf1.1.json"), CorpusExpectation{
        8, {QStringLiteral("module.github[\"demo-repository\"]"), QStringLiteral("module.github[\"terraform-plan-summary\"]")},
        {QStringLiteral("module.github[\"terraform-plan-summary\"].github_branch.demo")},
        {
            // module_calls.github.module github_branch.main and .development:
            // "repository": {"references": ["github_repository.repository.name", "github_repository.repository"]}
            QStringLiteral("module.github[\"demo-repository\"].github_branch.main -> module.github[\"demo-repository\"].github_repository.repository"),
            QStringLiteral("module.github[\"demo-repository\"].github_branch.development -> module.github[\"demo-repository\"].github_repository.repository"),
            QStringLiteral("module.github[\"terraform-plan-summary\"].github_branch.main -> module.github[\"terraform-plan-summary\"].github_repository.repository"),
        },
        {
            // within one instance of module.github only
            QStringLiteral("module.github[\"demo-repository\"].github_branch.main -> module.github[\"terraform-plan-summary\"].github_repository.repository"),
        }});
    return e;
}

} // namespace

class Tst_terraformplanimporter : public QObject
{
    Q_OBJECT

private slots:
    void corpus_data();
    void corpus();
    void utf16();
    void sourceFacts();
    void truncated_data();
    void truncated();
    void truncatedEverywhere();
    void fixtures_data();
    void fixtures();
    void deleteReversal();
    void deposedAndDuplicates();
    void wrongTypes_data();
    void wrongTypes();
    void notAPlan_data();
    void notAPlan();
    void formatVersion_data();
    void formatVersion();
    void notJson_data();
    void notJson();
    void decodedStrings();
    void deepNesting();
    void cutShortOnlyWhereTheTextEnds();
};

void Tst_terraformplanimporter::corpus_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(QStringLiteral(FANOUT_CORPUS "/terraform-json")).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 11);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << file;
}

void Tst_terraformplanimporter::corpus()
{
    QFETCH(QString, file);
    const QHash<QString, CorpusExpectation> expectations = corpusExpectations();
    QVERIFY2(expectations.contains(file), "a corpus file without expectations: describe it in corpusExpectations()");
    const CorpusExpectation expected = expectations.value(file);

    const ImportedPlan plan = importFile(corpusPath(file));
    QVERIFY2(!plan.hasErrors(), qPrintable(describe(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), expected.resources);
    checkWellFormed(plan);
    QVERIFY(acyclic(plan));

    QStringList groups;
    for (const ImportedGroup &g : plan.groups)
        groups.append(g.name);
    QCOMPARE(groups, expected.groups);
    for (const ImportedResource &r : plan.resources) {
        // A resource's group is its module: the module address it starts with.
        QVERIFY(r.group.isEmpty() || r.address.startsWith(r.group + QLatin1Char('.')));
        QVERIFY(r.group.isEmpty() == !r.address.startsWith(QLatin1String("module.")));
    }

    QStringList notRun;
    for (const ImportedResource &r : plan.resources) {
        if (!r.run) {
            notRun.append(r.address);
            QVERIFY(!r.note.isEmpty());
        }
    }
    QCOMPARE(notRun, expected.notRun);

    checkEdges(plan, expected.edges, expected.absent);
    if (expected.edgeCount >= 0)
        QCOMPARE(edgesOf(plan).size(), expected.edgeCount);
}

void Tst_terraformplanimporter::utf16()
{
    const QByteArray bytes = readBytes(corpusPath(QStringLiteral("checkov_utf16_encoded_tf1.0.json")));
    QCOMPARE(TextDecoder::encodingOf(bytes), "UTF-16LE");
    const ImportedPlan plan = TerraformPlanImporter::read(TextDecoder::toUtf8(bytes));
    QVERIFY2(!plan.hasErrors(), qPrintable(describe(plan.diagnostics)));
    QStringList addresses;
    for (const ImportedResource &r : plan.resources)
        addresses.append(r.address);
    QCOMPARE(addresses, (QStringList{QStringLiteral("aws_iam_role_policy.fail_1"), QStringLiteral("aws_s3_bucket.s3-bucket"),
                                     QStringLiteral("null_resource.name")}));
    QCOMPARE(plan.resources[1].type, QStringLiteral("aws_s3_bucket"));
}

void Tst_terraformplanimporter::sourceFacts()
{
    {
        const ImportedPlan plan = importFile(corpusPath(QStringLiteral("tfjson_action_reason_replace_tf1.15.json")));
        QCOMPARE(plan.resources.size(), 1);
        const ImportedResource &r = plan.resources[0];
        QCOMPARE(r.address, QStringLiteral("null_resource.example"));
        QCOMPARE(r.type, QStringLiteral("null_resource"));
        QVERIFY(r.group.isEmpty());
        QVERIFY(r.run); // a replacement is work to do
        QCOMPARE(QString::fromStdString(r.source.dump()),
                 QStringLiteral("{\"mode\":\"managed\",\"actions\":[\"delete\",\"create\"],\"action_reason\":\"replace_because_tainted\","
                                "\"provider_name\":\"registry.terraform.io/hashicorp/null\"}"));
    }
    {
        const ImportedPlan plan = importFile(corpusPath(QStringLiteral("tfjson_moved_block_tf1.5.json")));
        const ImportedResource &r = plan.resources[0];
        QVERIFY(!r.run);
        QCOMPARE(r.note, QStringLiteral("no change (no-op)"));
        QCOMPARE(r.source.value("previous_address", std::string()), std::string("random_id.test"));
    }
    {
        const ImportedPlan plan = importFile(corpusPath(QStringLiteral("checkov_github_oidc_module_reads_tf1.5.json")));
        const ImportedResource *r = findResource(plan, QStringLiteral("module.poc.data.aws_iam_policy_document.r4[\"p1\"]"));
        QVERIFY(r);
        QVERIFY(!r->run);
        QCOMPARE(r->note, QStringLiteral("data source: Terraform reads it, nothing to provision"));
        QCOMPARE(r->group, QStringLiteral("module.poc"));
        QCOMPARE(r->source.value("mode", std::string()), std::string("data"));
        QCOMPARE(r->source.value("index", std::string()), std::string("p1"));
        QCOMPARE(r->source.value("action_reason", std::string()), std::string("read_because_dependency_pending"));
    }
    {
        const ImportedPlan plan = importFile(corpusPath(QStringLiteral("checkov_plan_55res_tf0.12.json")));
        const ImportedResource *r = findResource(plan, QStringLiteral("aws_neptune_cluster_instance.default[0]"));
        QVERIFY(r);
        QCOMPARE(r->source.value("index", -1), 0);
        QVERIFY(!r->source.contains("previous_address"));
        QVERIFY(!r->source.contains("action_reason"));
    }
}

void Tst_terraformplanimporter::truncated_data()
{
    corpus_data();
}

void Tst_terraformplanimporter::truncated()
{
    QFETCH(QString, file);
    const std::string text = TextDecoder::toUtf8(readBytes(corpusPath(file)));
    const ImportedPlan plan = TerraformPlanImporter::read(text.substr(0, text.size() / 2));
    QVERIFY(plan.hasErrors());
    const Diagnostic &d = plan.diagnostics.first();
    QVERIFY(d.isError());
    QVERIFY2(d.line > 0, qPrintable(d.toString()));
    QVERIFY2(d.message.contains(QLatin1String("expected")), qPrintable(d.toString()));
    // Where the text ends, which is where something more was expected.
    const int lines = int(std::count(text.begin(), text.begin() + qsizetype(text.size() / 2), '\n')) + 1;
    QCOMPARE(d.line, lines);
}

void Tst_terraformplanimporter::truncatedEverywhere()
{
    const std::string text = TextDecoder::toUtf8(readBytes(corpusPath(QStringLiteral("checkov_plan_55res_tf0.12.json"))));
    for (std::size_t length = 0; length < text.size(); length += 997) {
        const ImportedPlan plan = TerraformPlanImporter::read(text.substr(0, length));
        QVERIFY2(plan.hasErrors(), qPrintable(QString::number(length)));
        QVERIFY2(plan.diagnostics.first().line > 0, qPrintable(QString::number(length)));
    }
}

void Tst_terraformplanimporter::fixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("edges");
    QTest::addColumn<QStringList>("absent");
    QTest::addColumn<int>("edgeCount");

    // var.vpc_id in module.net is aws_vpc.main, passed by the root; var.parent_vpc in
    // module.net.module.inner is module.net's var.vpc_id passed on, used in a nested block.
    QTest::newRow("module variables")
        << QStringLiteral("module_var.json")
        << QStringList{QStringLiteral("module.net.aws_subnet.a -> aws_vpc.main"),
                       QStringLiteral("module.net.module.inner.aws_route_table.rt -> aws_vpc.main")}
        << QStringList{} << 2; // local., each., path., terraform., count., self and literals are not resources

    // module.db.endpoint is aws_db_instance.main in module.db; module.db.sg_id is module.sg.id
    // there, which is aws_security_group.db in module.db.module.sg. "module.db" alone means
    // every output, unless a more precise form is listed beside it.
    QTest::newRow("module outputs")
        << QStringLiteral("module_output.json")
        << QStringList{QStringLiteral("aws_instance.app -> module.db.aws_db_instance.main"),
                       QStringLiteral("aws_route53_record.dns -> module.db.module.sg.aws_security_group.db"),
                       QStringLiteral("aws_lb.front -> module.db.aws_db_instance.main"),
                       QStringLiteral("aws_lb.front -> module.db.module.sg.aws_security_group.db"),
                       QStringLiteral("module.db.aws_db_instance.main -> module.db.module.sg.aws_security_group.db")}
        << QStringList{QStringLiteral("aws_instance.app -> module.db.module.sg.aws_security_group.db"),
                       QStringLiteral("aws_route53_record.dns -> module.db.aws_db_instance.main")}
        << 5;

    // module_calls.app.depends_on reaches every resource in module.app, nested modules too;
    // module_calls.app.module.module_calls.sidecar.depends_on names module.app's own aws_instance.x.
    QTest::newRow("module depends_on")
        << QStringLiteral("module_depends_on.json")
        << QStringList{QStringLiteral("module.app.aws_instance.x -> aws_iam_role.r"),
                       QStringLiteral("module.app.module.sidecar.aws_instance.y -> aws_iam_role.r"),
                       QStringLiteral("module.app.module.sidecar.aws_instance.y -> module.app.aws_instance.x")}
        << QStringList{QStringLiteral("module.app.aws_instance.x -> aws_s3_bucket.b"),
                       QStringLiteral("aws_instance.after -> aws_iam_role.r")}
        << 5;

    // depends_on = [module.app]: every resource in module.app, nested modules too.
    QTest::newRow("depends_on a whole module")
        << QStringLiteral("module_depends_on.json")
        << QStringList{QStringLiteral("aws_instance.after -> module.app.aws_instance.x"),
                       QStringLiteral("aws_instance.after -> module.app.module.sidecar.aws_instance.y")}
        << QStringList{QStringLiteral("aws_instance.after -> aws_s3_bucket.b")}
        << 5;

    // A configuration address stands for all its instances: aws_subnet.s[0] as a reference is
    // aws_subnet.s. Inside module.svc[0], aws_eip.ip is module.svc[0]'s own.
    QTest::newRow("count and for_each")
        << QStringLiteral("count_for_each.json")
        << QStringList{QStringLiteral("aws_subnet.s[0] -> aws_vpc.main"),
                       QStringLiteral("aws_subnet.s[1] -> aws_vpc.main"),
                       QStringLiteral("aws_instance.web[\"a\"] -> aws_subnet.s[0]"),
                       QStringLiteral("aws_instance.web[\"a\"] -> aws_subnet.s[1]"),
                       QStringLiteral("aws_instance.web[\"b.c]\"] -> aws_subnet.s[1]"),
                       QStringLiteral("module.svc[0].aws_eip.ip -> aws_instance.web[\"a\"]"),
                       QStringLiteral("module.svc[1].aws_eip.ip -> aws_instance.web[\"b.c]\"]"),
                       QStringLiteral("module.svc[0].aws_lb.lb -> module.svc[0].aws_eip.ip"),
                       QStringLiteral("module.svc[1].aws_lb.lb -> module.svc[1].aws_eip.ip"),
                       QStringLiteral("aws_route53_record.r -> module.svc[0].aws_lb.lb"),
                       QStringLiteral("aws_route53_record.r -> module.svc[1].aws_lb.lb")}
        << QStringList{QStringLiteral("aws_subnet.s[1] -> aws_subnet.s[0]"),
                       QStringLiteral("module.svc[0].aws_lb.lb -> module.svc[1].aws_eip.ip"),
                       QStringLiteral("aws_route53_record.r -> module.svc[0].aws_eip.ip")}
        << 2 + 4 + 4 + 2 + 2;
}

void Tst_terraformplanimporter::fixtures()
{
    QFETCH(QString, file);
    QFETCH(QStringList, edges);
    QFETCH(QStringList, absent);
    QFETCH(int, edgeCount);

    const ImportedPlan plan = importFile(fixturePath(file));
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(describe(plan.diagnostics)));
    checkWellFormed(plan);
    QVERIFY(acyclic(plan));
    checkEdges(plan, edges, absent);
    QCOMPARE(edgesOf(plan).size(), edgeCount);
}

void Tst_terraformplanimporter::deleteReversal()
{
    const ImportedPlan plan = importFile(fixturePath(QStringLiteral("deletes.json")));
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(describe(plan.diagnostics)));
    checkWellFormed(plan);
    // prior_state: aws_subnet.old depends on aws_vpc.old, aws_instance.gone on both, all deleted:
    // they are destroyed the other way round.
    // aws_instance.app (updated) used aws_security_group.legacy (deleted): legacy goes after.
    // aws_eip.tmp (deleted) used aws_instance.app (updated): stays forward.
    // aws_subnet.moved is replaced (create, then delete): edges stay forward.
    checkEdges(plan,
               {QStringLiteral("aws_vpc.old -> aws_subnet.old"), QStringLiteral("aws_vpc.old -> aws_instance.gone"),
                QStringLiteral("aws_subnet.old -> aws_instance.gone"), QStringLiteral("aws_security_group.legacy -> aws_instance.app"),
                QStringLiteral("aws_security_group.legacy -> aws_vpc.new"), QStringLiteral("aws_eip.tmp -> aws_instance.app"),
                QStringLiteral("aws_instance.app -> aws_subnet.moved"), QStringLiteral("aws_subnet.moved -> aws_vpc.new"),
                // the deposed old aws_instance.app goes once aws_eip.tmp, which used it, is gone
                QStringLiteral("aws_instance.app (deposed object 00000001) -> aws_eip.tmp")},
               {QStringLiteral("aws_subnet.old -> aws_vpc.old"), QStringLiteral("aws_instance.gone -> aws_subnet.old"),
                QStringLiteral("aws_instance.app -> aws_security_group.legacy"), QStringLiteral("aws_vpc.new -> aws_subnet.moved"),
                QStringLiteral("aws_eip.tmp -> aws_instance.app (deposed object 00000001)")});
    // Turning edges round made no cycle, though a deleted resource (tmp) depends on an updated
    // one (app) that depends on a deleted one (legacy).
    QVERIFY(acyclic(plan));
    QVERIFY(findResource(plan, QStringLiteral("aws_vpc.old"))->run); // destroying is work to do
}

void Tst_terraformplanimporter::deposedAndDuplicates()
{
    const std::string twice =
        "{\"format_version\": \"1.2\", \"resource_changes\": [\n"
        "  {\"address\": \"a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}},\n"
        "  {\"address\": \"a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}}\n"
        "]}";
    const ImportedPlan plan = TerraformPlanImporter::read(twice);
    QCOMPARE(plan.resources.size(), 1);
    QCOMPARE(errorCount(plan.diagnostics), 1);
    QCOMPARE(plan.diagnostics[0].path, QStringLiteral("resource_changes[1].address"));
    QCOMPARE(plan.diagnostics[0].line, 3);
    QVERIFY(plan.diagnostics[0].message.contains(QLatin1String("resource_changes[0]")));
}

void Tst_terraformplanimporter::wrongTypes_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");

    QTest::newRow("resource_changes an object")
        << QStringLiteral("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": {\"a\": 1}\n}")
        << QStringLiteral("resource_changes") << 3;
    QTest::newRow("entry not an object")
        << QStringLiteral("{\"resource_changes\": [\n  {\"address\": \"a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}},\n  \"a.c\"\n]}")
        << QStringLiteral("resource_changes[1]") << 3;
    QTest::newRow("actions a string")
        << QStringLiteral("{\"format_version\": \"1.2\",\n\"resource_changes\": [\n  {\"address\": \"a.b\", \"type\": \"a\",\n   \"change\": {\"actions\": \"create\"}}\n]}")
        << QStringLiteral("resource_changes[0].change.actions") << 4;
    QTest::newRow("action a number")
        << QStringLiteral("{\"format_version\": \"1.2\",\n\"resource_changes\": [\n  {\"address\": \"a.b\", \"type\": \"a\",\n   \"change\": {\"actions\": [\n 1]}}\n]}")
        << QStringLiteral("resource_changes[0].change.actions[0]") << 5;
    QTest::newRow("address a number")
        << QStringLiteral("{\"format_version\": \"1.2\",\n\"resource_changes\": [\n  {\"address\": 7, \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}}\n]}")
        << QStringLiteral("resource_changes[0].address") << 3;
    QTest::newRow("no change")
        << QStringLiteral("{\"format_version\": \"1.2\",\n\"resource_changes\": [\n  {\"address\": \"a.b\", \"type\": \"a\"}\n]}")
        << QStringLiteral("resource_changes[0]") << 3;
    QTest::newRow("format_version a number")
        << QStringLiteral("{\"format_version\": 1.2,\n\"resource_changes\": []}")
        << QStringLiteral("format_version") << 1;
    QTest::newRow("references a string")
        << QStringLiteral("{\"format_version\": \"1.2\", \"resource_changes\": [],\n"
                          "\"configuration\": {\"root_module\": {\"resources\": [\n"
                          "  {\"address\": \"a.b\", \"expressions\": {\"vpc_id\":\n"
                          "     {\"references\": \"aws_vpc.main\"}}}\n"
                          "]}}}")
        << QStringLiteral("configuration.root_module.resources[0].expressions.vpc_id.references") << 4;
    QTest::newRow("module_calls a list")
        << QStringLiteral("{\"format_version\": \"1.2\", \"resource_changes\": [],\n"
                          "\"configuration\": {\"root_module\": {\n"
                          "  \"module_calls\": [\"vpc\"]}}}")
        << QStringLiteral("configuration.root_module.module_calls") << 3;
    QTest::newRow("module call depends_on a string")
        << QStringLiteral("{\"format_version\": \"1.2\", \"resource_changes\": [],\n"
                          "\"configuration\": {\"root_module\": {\"module_calls\": {\"my-vpc\": {\n"
                          "  \"depends_on\": \"aws_iam_role.r\"}}}}}")
        << QStringLiteral("configuration.root_module.module_calls[\"my-vpc\"].depends_on") << 3;
    QTest::newRow("module variable reference a number")
        << QStringLiteral("{\"format_version\": \"1.2\", \"resource_changes\": [\n"
                          "  {\"address\": \"module.m.a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}}],\n"
                          "\"configuration\": {\"root_module\": {\"module_calls\": {\"m\": {\n"
                          "  \"expressions\": {\"x\": {\"references\": [\"aws_vpc.v\",\n 42]}},\n"
                          "  \"module\": {\"resources\": [{\"address\": \"a.b\", \"expressions\": {\"y\": {\"references\": [\"var.x\"]}}}]}}}}}}")
        << QStringLiteral("configuration.root_module.module_calls.m.expressions.x.references[1]") << 5;
    QTest::newRow("prior_state depends_on entry a number")
        << QStringLiteral("{\"format_version\": \"1.2\", \"resource_changes\": [],\n"
                          "\"prior_state\": {\"values\": {\"root_module\": {\"child_modules\": [{\"resources\": [\n"
                          "  {\"address\": \"a.b\", \"depends_on\": [\n  false]}]}]}}}}")
        << QStringLiteral("prior_state.values.root_module.child_modules[0].resources[0].depends_on[0]") << 4;
}

void Tst_terraformplanimporter::wrongTypes()
{
    QFETCH(QString, json);
    QFETCH(QString, path);
    QFETCH(int, line);

    const ImportedPlan plan = TerraformPlanImporter::read(json.toStdString());
    QVERIFY(plan.hasErrors());
    const auto it = std::find_if(plan.diagnostics.cbegin(), plan.diagnostics.cend(), [](const Diagnostic &d) { return d.isError(); });
    QVERIFY(it != plan.diagnostics.cend());
    QCOMPARE(it->path, path);
    QCOMPARE(it->line, line);
    QVERIFY(it->column > 0);
    QVERIFY2(it->message.contains(QLatin1String("must be")) || it->message.contains(QLatin1String(" is ")) || it->message.contains(QLatin1String("has no")),
             qPrintable(it->message));
}

void Tst_terraformplanimporter::notAPlan_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("hint");

    QTest::newRow("a list") << QStringLiteral("[1, 2]") << QStringLiteral("not a list");
    QTest::newRow("a string") << QStringLiteral("\"plan\"") << QStringLiteral("expected an object");
    QTest::newRow("an empty object") << QStringLiteral("{}") << QStringLiteral("no \"resource_changes\"");
    QTest::newRow("a state") << QStringLiteral("{\"format_version\": \"1.0\", \"values\": {\"root_module\": {}}}")
                             << QStringLiteral("Terraform state");
    QTest::newRow("a Fanout plan") << QStringLiteral("{\"name\": \"web\", \"resources\": []}") << QStringLiteral("no \"resource_changes\"");
}

void Tst_terraformplanimporter::notAPlan()
{
    QFETCH(QString, json);
    QFETCH(QString, hint);

    const ImportedPlan plan = TerraformPlanImporter::read(json.toStdString());
    QCOMPARE(errorCount(plan.diagnostics), 1);
    const QString message = plan.diagnostics.first().message;
    QVERIFY2(message.startsWith(QLatin1String("not a Terraform JSON plan")), qPrintable(message));
    QVERIFY2(message.contains(hint), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("terraform show -json PLANFILE")), qPrintable(message));
    QVERIFY(plan.resources.isEmpty());
}

void Tst_terraformplanimporter::formatVersion_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("warned");

    QTest::newRow("0.1") << QStringLiteral("\"0.1\"") << false;
    QTest::newRow("0.2") << QStringLiteral("\"0.2\"") << false;
    QTest::newRow("1.0") << QStringLiteral("\"1.0\"") << false;
    QTest::newRow("1.2") << QStringLiteral("\"1.2\"") << false;
    QTest::newRow("1.3") << QStringLiteral("\"1.3\"") << true;
    QTest::newRow("2.0") << QStringLiteral("\"2.0\"") << true;
    QTest::newRow("0.0") << QStringLiteral("\"0.0\"") << true;
    QTest::newRow("not a version") << QStringLiteral("\"latest\"") << true;
}

void Tst_terraformplanimporter::formatVersion()
{
    QFETCH(QString, version);
    QFETCH(bool, warned);

    const QString json = QStringLiteral("{\"format_version\": %1, \"configuration\": {}, \"resource_changes\": [\n"
                                        "  {\"address\": \"a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}}]}")
                             .arg(version);
    const ImportedPlan plan = TerraformPlanImporter::read(json.toStdString());
    QVERIFY2(!plan.hasErrors(), qPrintable(describe(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), 1); // imported either way
    QCOMPARE(warningCount(plan.diagnostics), warned ? 1 : 0);
    if (warned) {
        QCOMPARE(plan.diagnostics.first().path, QStringLiteral("format_version"));
        QCOMPARE(plan.diagnostics.first().line, 1);
        QVERIFY(plan.diagnostics.first().message.contains(QLatin1String("0.1 to 1.2")));
    }
}

// Text that is not JSON, in a part of the plan the importer leaves out or in one it reads, is
// one error with its place, never an exception: nlohmann/json reports a number too large for a
// double (1e400) as out_of_range rather than as a syntax error.
void Tst_terraformplanimporter::notJson_data()
{
    QTest::addColumn<QByteArray>("value");

    QTest::newRow("1e400") << QByteArray("1e400");
    QTest::newRow("-1e400") << QByteArray("-1e400");
    QTest::newRow("trailing comma") << QByteArray("[1,]");
    QTest::newRow("lone surrogate") << QByteArray("\"\\ud83d\"");
    QTest::newRow("not UTF-8") << QByteArray("\"\xff\"");
    QTest::newRow("leading zero") << QByteArray("01");
}

void Tst_terraformplanimporter::notJson()
{
    QFETCH(QByteArray, value);
    const std::string v = value.toStdString();
    const std::string skipped = "{\"format_version\": \"1.2\", \"planned_values\": " + v + ", \"resource_changes\": []}";
    const std::string read = "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"a\", \"index\": " + v
                             + ", \"change\": {\"actions\": [\"create\"]}}]}";
    for (const std::string &text : {skipped, read}) {
        const ImportedPlan plan = TerraformPlanImporter::read(text);
        QCOMPARE(plan.diagnostics.size(), 1);
        const Diagnostic &d = plan.diagnostics.first();
        QVERIFY2(d.isError() && d.message.startsWith(QLatin1String("not valid JSON")), qPrintable(d.toString()));
        QVERIFY(d.line > 0);
        QVERIFY(plan.resources.isEmpty());
    }
}

void Tst_terraformplanimporter::decodedStrings()
{
    const std::string text = "{\"format_version\": \"1.2\", \"resource_changes\": [\n"
                             "  {\"address\": \"aws_s3_bucket.b[\\\"caf\\u00e9 \\\\\\\"x\\\\\\\"\\\"]\", \"type\": \"aws_s3_bucket\", \"index\": \"caf\\u00e9 \\\"x\\\"\","
                             " \"change\": {\"actions\": [\"create\"]}},\n"
                             "  {\"address\": \"aws_s3_object.o\", \"type\": \"aws_s3_object\", \"change\": {\"actions\": [\"cre\\u0061te\"]}}],\n"
                             " \"configuration\": {\"root_module\": {\"resources\": [\n"
                             "  {\"address\": \"aws_s3_object.o\", \"expressions\": {\"bucket\": {\"references\": [\"aws_s3_bucket.b[\\\"caf\\u00e9\\\"]\"]}}}]}}}";
    const ImportedPlan plan = TerraformPlanImporter::read(text);
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(describe(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), 2);
    QCOMPARE(plan.resources[0].address, QStringLiteral("aws_s3_bucket.b[\"caf\u00e9 \\\"x\\\"\"]"));
    QCOMPARE(plan.resources[0].source.value("index", std::string()), std::string("caf\xc3\xa9 \"x\""));
    // an escaped action is the same action; a key with a quoted "]" still names aws_s3_bucket.b
    QCOMPARE(plan.resources[1].dependsOn, QStringList{plan.resources[0].address});
}

void Tst_terraformplanimporter::deepNesting()
{
    auto nested = [](int depth) {
        return std::string(std::size_t(depth), '[') + "1" + std::string(std::size_t(depth), ']');
    };
    const std::string change = "\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"a\", \"change\": {\"actions\": [\"create\"]}}]";

    // 64 levels, the plan's own object included, are read, as StructuredText reads them ...
    const ImportedPlan plan = TerraformPlanImporter::read("{" + change + ", \"planned_values\": " + nested(63) + "}");
    QVERIFY2(!plan.hasErrors(), qPrintable(describe(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), 1);

    // ... and more are refused as StructuredText refuses them, in parts the importer does not read
    // (a resource's attributes) as in parts it reads; pathologically deep text without exhausting the stack.
    const std::string tooDeep[] = {
        "{" + change + ", \"planned_values\": " + nested(64) + "}",
        "{" + change + ", \"configuration\": {\"root_module\": {\"resources\": [{\"address\": \"a.b\", \"expressions\": {\"x\": " + nested(80) + "}}]}}}",
        "{" + change + ", \"planned_values\": " + nested(100000) + "}",
    };
    for (const std::string &text : tooDeep) {
        const ImportedPlan refused = TerraformPlanImporter::read(text);
        QCOMPARE(refused.diagnostics.size(), 1);
        const Diagnostic &d = refused.diagnostics.first();
        QVERIFY2(d.isError() && d.message.contains(QLatin1String("nested more than 64 levels")), qPrintable(d.toString()));
        QVERIFY2(!d.message.contains(QLatin1String("cut short")), qPrintable(d.toString()));
        QVERIFY(d.line > 0);
        QVERIFY(refused.resources.isEmpty());
    }
}

// `terraform show -json` writes one line: an error in the middle of it is not a file cut short,
// and one at its end is, on one line as on many.
void Tst_terraformplanimporter::cutShortOnlyWhereTheTextEnds()
{
    const std::string plan = "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.b\", \"type\": \"a\", "
                             "\"change\": {\"actions\": [\"create\"]}}], \"configuration\": {}}";
    // Built through QString: GCC 12 warns falsely (-Wrestrict) about std::string::replace.
    QString bad = QString::fromStdString(plan);
    const qsizetype at = bad.indexOf(QLatin1String("\"create\""));
    bad[at] = QLatin1Char('@');
    const ImportedPlan middle = TerraformPlanImporter::read(bad.toStdString());
    QCOMPARE(middle.diagnostics.size(), 1);
    QVERIFY2(!middle.diagnostics.first().message.contains(QLatin1String("cut short")), qPrintable(middle.diagnostics.first().toString()));
    QCOMPARE(middle.diagnostics.first().column, int(at) + 1);

    const ImportedPlan cut = TerraformPlanImporter::read(plan.substr(0, plan.size() / 2));
    QCOMPARE(cut.diagnostics.size(), 1);
    QVERIFY2(cut.diagnostics.first().message.contains(QLatin1String("cut short")), qPrintable(cut.diagnostics.first().toString()));
}

QTEST_GUILESS_MAIN(Tst_terraformplanimporter)
#include "tst_terraformplanimporter.moc"
