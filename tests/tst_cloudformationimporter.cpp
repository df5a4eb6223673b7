#include "engine/import/cloudformationimporter.h"
#include "engine/support/textdecoder.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

using namespace fanout;

namespace {

std::string decodedFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::string();
    return TextDecoder::toUtf8(file.readAll());
}

QString corpusFile(const QString &name)
{
    return QStringLiteral(FANOUT_CORPUS "/cloudformation/") + name;
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QStringLiteral("template")));
    return lines.join(QLatin1Char('\n'));
}

// Every dependency as "A -> B", sorted.
QStringList edges(const ImportedPlan &plan)
{
    QStringList result;
    for (const ImportedResource &r : plan.resources) {
        for (const QString &d : r.dependsOn)
            result.append(r.address + QStringLiteral(" -> ") + d);
    }
    result.sort();
    return result;
}

QStringList addresses(const ImportedPlan &plan)
{
    QStringList result;
    for (const ImportedResource &r : plan.resources)
        result.append(r.address);
    return result;
}

const ImportedResource *find(const ImportedPlan &plan, const QString &address)
{
    for (const ImportedResource &r : plan.resources) {
        if (r.address == address)
            return &r;
    }
    return nullptr;
}

ImportedPlan read(const QString &text)
{
    return CloudFormationImporter::read(text.toStdString());
}

} // namespace

class Tst_cloudformationimporter : public QObject
{
    Q_OBJECT

private slots:
    void corpus_data();
    void corpus();
    void corpusNatEipIsConditionalAndWaitsForTheGateway();
    void foreachCorpusIsOneResourceForTheLoop();
    void unknownFunctionIsAWarning();
    void truncatedCorpus_data();
    void truncatedCorpus();
    void manyTruncationsNeverCrash_data();
    void manyTruncationsNeverCrash();
    void references_data();
    void references();
    void badTemplates_data();
    void badTemplates();
    void forEach_data();
    void forEach();
    void sourceKeepsFacts();
    void smallFileHasExactlyItsEdges();
    void loopsCannotExpandWithoutEnd();
    void mutatedFilesNeverCrash_data();
    void mutatedFilesNeverCrash();
};

// Each file of tests/corpus/cloudformation imports without errors. The edges were read in the files
// themselves (line numbers in the comments); `absent` are references to parameters, which are not
// resources.
void Tst_cloudformationimporter::corpus_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("resources");
    QTest::addColumn<int>("warnings");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");
    QTest::addColumn<QStringList>("conditions"); // "Resource=Condition"

    QTest::newRow("vpc 77") << "cfnlint_quickstart_vpc_77res.json" << 77 << 0
                            << QStringList{
                                   "NAT1EIP -> VPCGatewayAttachment",   // 1747: "DependsOn": "VPCGatewayAttachment"
                                   "NAT1EIP -> NATInstance1",           // 1752-1755: Fn::If [NATInstanceCondition, {Ref: NATInstance1}, ...]
                                   "NATGateway1 -> NAT1EIP",            // 1827: Fn::GetAtt [NAT1EIP, AllocationId]
                                   "PrivateSubnet1ARoute -> NATGateway1", // 967-970: Ref inside Fn::If
                                   "PublicSubnet1 -> VPC"}              // 810: {"Ref": "VPC"}
                            << QStringList{"PublicSubnet1 -> PublicSubnet1CIDR", // 813: a parameter
                                           "NAT1EIP -> AWS::NoValue"}
                            << QStringList{"NAT1EIP=PrivateSubnetsCondition", "NATGateway1=NATGatewayCondition"};
    QTest::newRow("vpc management nested") << "cfnlint_quickstart_vpc_management_nested.json" << 33 << 0
                                           << QStringList{
                                                  "rNatInstanceTemplate -> rManagementDMZSubnetA",   // 389: nested stack Parameters {Ref}
                                                  "rNatInstanceTemplate -> rRouteTableMgmtPrivate",  // 413
                                                  "rMgmtBastionInstance -> rDeepSecurityInfrastructureTemplate", // 637: DependsOn list
                                                  "rMgmtBastionInstance -> rGWAttachmentMgmtIGW",    // 637
                                                  "rNATGateway -> rEIPProdNAT",                      // 777: Fn::GetAtt list
                                                  "rNATGateway -> rIGWManagement",                   // 774: DependsOn string
                                                  "rGWAttachmentMgmtIGW -> rIGWManagement"}          // 367
                                           << QStringList{"rNatInstanceTemplate -> pNatAmi", "rNatInstanceTemplate -> pTemplateUrlPrefix"}
                                           << QStringList{"rNatInstanceTemplate=cNeedNatInstance", "rEIPProdNAT=cSupportsNatGateway"};
    QTest::newRow("cis benchmark") << "cfnlint_quickstart_cis_benchmark_79res.yaml" << 79 << 0
                                   << QStringList{
                                          "FunctiontForEvaluateCisBenchmarkingPreconditions -> MasterConfigRole", // 121-122: DependsOn list; 175: !GetAtt
                                          "ResourceForEvaluateCisBenchmarkingPreconditions -> FunctiontForEvaluateCisBenchmarkingPreconditions", // 181: DependsOn string
                                          "ConfigRuleForEvaluateRootAccount -> FunctionForEvaluateRootAccountRule", // 336: only !GetAtt X.Arn
                                          "ConfigRuleForEvaluateRootAccount -> EvaluateRootAccountFunctionPermission", // 324-325: DependsOn list
                                          "FunctionToFormatCloudWatchEvent -> SnsTopicForCloudWatchEvents"} // 1856-1858 DependsOn list; !Sub ${...} at 1871
                                   << QStringList{}
                                   << QStringList{"FunctionForEvaluateRootAccountRule=IsLevel2", "EvaluateRootAccountFunctionPermission=IsLevel2"};
    QTest::newRow("dms aurora") << "awslabs_DMSAuroraToS3_24res.json" << 24 << 0
                                << QStringList{
                                       "Route -> AttachGateway",              // 108: "DependsOn" : [ "AttachGateway" ]
                                       "Route -> RouteTable",                 // 104: {"Ref": "RouteTable"}
                                       "S3TargetEndpoint -> S3TargetDMSRole", // 340: Fn::GetAtt [S3TargetDMSRole, Arn]
                                       "AuroraSourceEndpoint -> AuroraDB"}    // 329: DependsOn list
                                << QStringList{}
                                << QStringList{"DMSCloudwatchRole=NotExistsDMSCloudwatchRole"};
    QTest::newRow("ecs schedule") << "awslabs_ECS_Schedule_Example_23res.json" << 23 << 0
                                  << QStringList{
                                         "ECSScheduledTask -> ECSEventRole",  // 487: "DependsOn" : "ECSEventRole"
                                         "ECSScheduledTask -> ECSCluster",    // 506-507: Fn::GetAtt [ECSCluster, Arn]
                                         "ECSScheduledTask -> taskdefinition", // 523: Ref
                                         "service -> ALBListener"}            // 463: DependsOn string
                                  // 492-499: Fn::If [CronRate, {Ref: CronSchedule}, {Ref: RateSchedule}], both parameters
                                  << QStringList{"ECSScheduledTask -> CronSchedule", "ECSScheduledTask -> RateSchedule"}
                                  << QStringList{};
    QTest::newRow("single eni") << "awslabs_SingleENIwithMultipleEIPs.json" << 5 << 0
                                << QStringList{
                                       "Association1 -> ENI",  // 27: "DependsOn" : ["ENI","EIP1"]; 30: Ref
                                       "Association1 -> EIP1", // 27; 29: Fn::GetAtt [EIP1, AllocationId]
                                       "Association2 -> EIP2"} // 37: DependsOn list; 39: Fn::GetAtt
                                << QStringList{"ENI -> Subnet"} // 50: Fn::Select of a List parameter
                                << QStringList{};
    QTest::newRow("ecs private vpc") << "awslabs_ECS_EC2_private_vpc_42res.yml" << 42 << 0
                                     << QStringList{
                                            "NatGatewayOneAttachment -> GatewayAttachement", // 151: DependsOn string
                                            "NatGatewayOne -> NatGatewayOneAttachment",      // 162: !GetAtt X.AllocationId
                                            "NatGatewayOne -> PublicSubnetOne",              // 163: !Ref
                                            "ContainerInstances -> ECSCluster",              // 286-288: !Sub with ${ECSCluster}
                                            "PublicLoadBalancerListener -> PublicLoadBalancer"} // 404-405: DependsOn list
                                     << QStringList{"ContainerInstances -> ECSAMI"} // 281: !Ref 'ECSAMI', a parameter
                                     << QStringList{};
    QTest::newRow("codestar") << "awslabs_codestar_python_webservice_16res.yml" << 16 << 1 // 589: "Fn::GetAtt::"
                              << QStringList{
                                     "CodeBuildProject -> CodeBuildPolicy",        // 264-265: DependsOn list
                                     "CodeBuildProject -> WebsiteS3Bucket",        // 292-294: Ref inside Fn::If
                                     "CodeBuildPolicy -> CodeBuildRole",           // 260: Ref (long form in YAML)
                                     "CodePipelineTrustRole -> CodeBuildProject"}  // 374: Fn::GetAtt: 'CodeBuildProject.Arn'
                              << QStringList{"CodeBuildProject -> ProjectId"}
                              << QStringList{"CodeBuildPolicy=CreateCodeBuildResources", "WebsiteS3Bucket=CreateWebSiteS3Bucket"};
    QTest::newRow("foreach") << "cfnlint_foreach_language_extensions.yaml" << 1 << 1 << QStringList{} << QStringList{} << QStringList{};
}

void Tst_cloudformationimporter::corpus()
{
    QFETCH(QString, file);
    QFETCH(int, resources);
    QFETCH(int, warnings);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    QFETCH(QStringList, conditions);

    const std::string text = decodedFile(corpusFile(file));
    QVERIFY(!text.empty());
    const ImportedPlan plan = CloudFormationImporter::read(text);
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(warningCount(plan.diagnostics), warnings);
    QCOMPARE(plan.resources.size(), resources);
    QVERIFY(plan.name.isEmpty());

    const QStringList all = edges(plan);
    for (const QString &edge : present)
        QVERIFY2(all.contains(edge), qPrintable(edge));
    for (const QString &edge : absent)
        QVERIFY2(!all.contains(edge), qPrintable(edge));

    QStringList ids = addresses(plan);
    for (const ImportedResource &r : plan.resources) {
        QVERIFY(!r.type.isEmpty());
        QVERIFY(r.run);
        QVERIFY2(!r.dependsOn.contains(r.address), qPrintable(r.address));
        QCOMPARE(QSet<QString>(r.dependsOn.cbegin(), r.dependsOn.cend()).size(), r.dependsOn.size());
        for (const QString &d : r.dependsOn)
            QVERIFY2(ids.contains(d), qPrintable(d));
    }
    for (const QString &c : conditions) {
        const QString address = c.section(QLatin1Char('='), 0, 0);
        const QString condition = c.section(QLatin1Char('='), 1);
        const ImportedResource *r = find(plan, address);
        QVERIFY2(r, qPrintable(address));
        QCOMPARE(QString::fromStdString(r->source.value("condition", std::string())), condition);
        QVERIFY2(r->note.contains(condition), qPrintable(r->note));
    }
}

// The issue's own example.
void Tst_cloudformationimporter::corpusNatEipIsConditionalAndWaitsForTheGateway()
{
    const ImportedPlan plan = CloudFormationImporter::read(decodedFile(corpusFile(QStringLiteral("cfnlint_quickstart_vpc_77res.json"))));
    const ImportedResource *eip = find(plan, QStringLiteral("NAT1EIP"));
    QVERIFY(eip);
    QCOMPARE(eip->type, QStringLiteral("AWS::EC2::EIP"));
    QVERIFY(eip->dependsOn.contains(QStringLiteral("VPCGatewayAttachment")));
    QVERIFY(eip->run);
    QCOMPARE(eip->note, QStringLiteral("created only if condition PrivateSubnetsCondition holds"));
    QCOMPARE(eip->source.value("condition", std::string()), std::string("PrivateSubnetsCondition"));
}

// Its collection is !FindInMap [Buckets, !Ref Environment, Identifiers], and Environment has no
// Default: the values are known only when deploying.
void Tst_cloudformationimporter::foreachCorpusIsOneResourceForTheLoop()
{
    const ImportedPlan plan = CloudFormationImporter::read(decodedFile(corpusFile(QStringLiteral("cfnlint_foreach_language_extensions.yaml"))));
    QCOMPARE(plan.resources.size(), 1);
    const ImportedResource &loop = plan.resources.first();
    QCOMPARE(loop.address, QStringLiteral("Fn::ForEach::Buckets"));
    QCOMPARE(loop.type, QStringLiteral("AWS::S3::Bucket"));
    QVERIFY(loop.dependsOn.isEmpty());
    QCOMPARE(loop.source["logical_ids"], nlohmann::ordered_json::parse(R"(["S3Bucket${Identifier}"])"));
    QCOMPARE(loop.source.value("deletion_policy", std::string()), std::string("Retain"));
    QCOMPARE(plan.diagnostics.size(), 1);
    const Diagnostic &w = plan.diagnostics.first();
    QVERIFY(!w.isError());
    QCOMPARE(w.line, 13); // the collection
    QVERIFY2(w.message.contains(QStringLiteral("imported as one resource")), qPrintable(w.message));
}

// codestar line 589 writes "Fn::GetAtt::", which YAML reads as the key "Fn::GetAtt:".
void Tst_cloudformationimporter::unknownFunctionIsAWarning()
{
    const ImportedPlan plan = CloudFormationImporter::read(decodedFile(corpusFile(QStringLiteral("awslabs_codestar_python_webservice_16res.yml"))));
    QCOMPARE(plan.diagnostics.size(), 1);
    const Diagnostic &w = plan.diagnostics.first();
    QVERIFY(!w.isError());
    QCOMPARE(w.line, 589);
    QVERIFY2(w.message.contains(QStringLiteral("unknown function \"Fn::GetAtt:\" (did you mean \"Fn::GetAtt\"?)")), qPrintable(w.message));
}

// The first half of each file. JSON cut anywhere is invalid; YAML cut at a line end is valid YAML,
// and what is left is refused when it refers to resources of the lost half (CloudFormation says
// "Unresolved resource dependencies") or when a section ends too early.
void Tst_cloudformationimporter::truncatedCorpus_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("stillValid");

    QTest::newRow("vpc 77") << "cfnlint_quickstart_vpc_77res.json" << false;
    QTest::newRow("vpc management nested") << "cfnlint_quickstart_vpc_management_nested.json" << false;
    QTest::newRow("dms aurora") << "awslabs_DMSAuroraToS3_24res.json" << false;
    QTest::newRow("ecs schedule") << "awslabs_ECS_Schedule_Example_23res.json" << false;
    QTest::newRow("single eni") << "awslabs_SingleENIwithMultipleEIPs.json" << false;
    QTest::newRow("ecs private vpc") << "awslabs_ECS_EC2_private_vpc_42res.yml" << false;
    QTest::newRow("codestar") << "awslabs_codestar_python_webservice_16res.yml" << false;
    // Cut inside the Lambda code of a `ZipFile: |` block: a shorter block is still valid YAML, and the
    // 33 resources before it refer only to one another. Nothing in the text says it is incomplete.
    QTest::newRow("cis benchmark") << "cfnlint_quickstart_cis_benchmark_79res.yaml" << true;
    // Cut inside `- RoutingRu`, a list item: still a complete loop (with its one warning).
    QTest::newRow("foreach") << "cfnlint_foreach_language_extensions.yaml" << true;
}

void Tst_cloudformationimporter::truncatedCorpus()
{
    QFETCH(QString, file);
    QFETCH(bool, stillValid);

    const std::string text = decodedFile(corpusFile(file));
    const ImportedPlan full = CloudFormationImporter::read(text);
    const ImportedPlan plan = CloudFormationImporter::read(text.substr(0, text.size() / 2));
    if (stillValid) {
        QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
        QVERIFY(plan.resources.size() <= full.resources.size());
        return;
    }
    QVERIFY(plan.hasErrors());
    for (const Diagnostic &d : plan.diagnostics) {
        if (!d.isError())
            continue;
        QVERIFY2(d.line > 0, qPrintable(d.toString()));
        QVERIFY2(d.message.contains(QLatin1String("expected")), qPrintable(d.toString()));
    }
}

// Cut anywhere: no crash; JSON always refused; every error points at a line.
void Tst_cloudformationimporter::manyTruncationsNeverCrash_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("json") << "cfnlint_quickstart_vpc_77res.json";
    QTest::newRow("yaml") << "awslabs_ECS_EC2_private_vpc_42res.yml";
    QTest::newRow("yaml with loop") << "cfnlint_foreach_language_extensions.yaml";
}

void Tst_cloudformationimporter::manyTruncationsNeverCrash()
{
    QFETCH(QString, file);
    const std::string text = decodedFile(corpusFile(file));
    const bool json = file.endsWith(QLatin1String(".json"));
    const std::size_t step = std::max<std::size_t>(1, text.size() / 400);
    int valid = 0;
    for (std::size_t size = 0; size < text.size(); size += step) {
        const std::string prefix = text.substr(0, size);
        const ImportedPlan plan = CloudFormationImporter::read(prefix);
        if (!plan.hasErrors()) {
            ++valid;
            QVERIFY2(!json, qPrintable(QStringLiteral("a JSON prefix of %1 bytes was accepted").arg(size)));
            continue;
        }
        for (const Diagnostic &d : plan.diagnostics)
            QVERIFY2(!d.isError() || d.line > 0, qPrintable(QStringLiteral("%1 bytes: %2").arg(size).arg(d.toString())));
    }
    qInfo("%d of %d prefixes are complete templates", valid, int(text.size() / step) + 1);
}

// Which references make dependencies, and which are errors.
void Tst_cloudformationimporter::references_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("edges");   // all of them
    QTest::addColumn<QString>("errorPath");   // empty: no error expected
    QTest::addColumn<int>("errorLine");
    QTest::addColumn<QString>("errorMessage"); // a part of it

    QTest::newRow("parameters and pseudo parameters are not resources")
        << "Parameters:\n"
           "  Cidr: {Type: String}\n"
           "Resources:\n"
           "  Vpc:\n"
           "    Type: AWS::EC2::VPC\n"
           "    Properties:\n"
           "      CidrBlock: !Ref Cidr\n"
           "      Tags:\n"
           "        - {Key: region, Value: !Ref AWS::Region}\n"
           "        - {Key: stack, Value: !Sub '${AWS::StackName}-${Cidr}-${AWS::AccountId}'}\n"
           "  Subnet:\n"
           "    Type: AWS::EC2::Subnet\n"
           "    Properties:\n"
           "      VpcId: !Ref Vpc\n"
           "      AvailabilityZone: !Select [0, !GetAZs '']\n"
           "      Ipv6CidrBlock: !Ref AWS::NoValue\n"
        << QStringList{"Subnet -> Vpc"} << QString() << 0 << QString();
    QTest::newRow("sub escape is no reference")
        << "Resources:\n"
           "  Bucket: {Type: AWS::S3::Bucket}\n"
           "  Policy:\n"
           "    Type: AWS::S3::BucketPolicy\n"
           "    Properties:\n"
           "      Bucket: !Sub '${!Literal}-${Bucket}-${!Bucket2}'\n"
        << QStringList{"Policy -> Bucket"} << QString() << 0 << QString();
    QTest::newRow("sub attribute")
        << "Resources:\n"
           "  Bucket: {Type: AWS::S3::Bucket}\n"
           "  Policy:\n"
           "    Type: AWS::S3::BucketPolicy\n"
           "    Properties:\n"
           "      Resource: !Sub 'arn:${AWS::Partition}:s3:::${Bucket.Arn}/*'\n"
        << QStringList{"Policy -> Bucket"} << QString() << 0 << QString();
    QTest::newRow("sub variables are not resources")
        << "Resources:\n"
           "  Bucket: {Type: AWS::S3::Bucket}\n"
           "  Role: {Type: AWS::IAM::Role}\n"
           "  Policy:\n"
           "    Type: AWS::S3::BucketPolicy\n"
           "    Properties:\n"
           "      Resource:\n"
           "        Fn::Sub:\n"
           "          - '${Name}/${Bucket}'\n"
           "          - {Name: !GetAtt Role.Arn}\n"
        << QStringList{"Policy -> Bucket", "Policy -> Role"} << QString() << 0 << QString();
    QTest::newRow("getatt list whose attribute is a ref")
        << "Parameters:\n"
           "  Attribute: {Type: String, Default: Arn}\n"
           "Resources:\n"
           "  Bucket: {Type: AWS::S3::Bucket}\n"
           "  Topic:\n"
           "    Type: AWS::SNS::Topic\n"
           "    Properties:\n"
           "      TopicName: !GetAtt [Bucket, !Ref Attribute]\n"
        << QStringList{"Topic -> Bucket"} << QString() << 0 << QString();
    QTest::newRow("refs inside if, join, select, metadata and policies; once each; no self edge")
        << "{\"Conditions\": {\"Prod\": {\"Fn::Equals\": [\"a\", \"b\"]}},\n"
           " \"Resources\": {\n"
           "  \"A\": {\"Type\": \"AWS::SQS::Queue\"},\n"
           "  \"B\": {\"Type\": \"AWS::SQS::Queue\"},\n"
           "  \"C\": {\"Type\": \"AWS::SQS::Queue\"},\n"
           "  \"D\": {\"Type\": \"AWS::SQS::Queue\"},\n"
           "  \"E\": {\"Type\": \"AWS::SNS::Topic\", \"DependsOn\": [\"A\", \"A\"],\n"
           "         \"Metadata\": {\"self\": {\"Ref\": \"E\"}, \"d\": {\"Fn::GetAtt\": \"D.Arn\"}},\n"
           "         \"CreationPolicy\": {\"x\": {\"Ref\": \"A\"}},\n"
           "         \"Properties\": {\"x\": {\"Fn::If\": [\"Prod\", {\"Ref\": \"A\"}, {\"Fn::Join\": [\",\", [{\"Fn::Select\": [0, [{\"Ref\": \"B\"}]]}]]}]},\n"
           "                        \"y\": {\"Fn::Base64\": {\"Fn::Sub\": \"${C}\"}}}}}}\n"
        << QStringList{"E -> A", "E -> B", "E -> C", "E -> D"} << QString() << 0 << QString();
    QTest::newRow("yaml anchors and merge keys")
        << "Resources:\n"
           "  Queue: {Type: AWS::SQS::Queue}\n"
           "  Other: {Type: AWS::SQS::Queue}\n"
           "  First:\n"
           "    Type: AWS::SNS::Topic\n"
           "    Properties: &props\n"
           "      Subscription:\n"
           "        - {Endpoint: !GetAtt Queue.Arn, Protocol: sqs}\n"
           "  Second:\n"
           "    Type: AWS::SNS::Topic\n"
           "    Properties: *props\n"
           "  Third:\n"
           "    <<: &base {Type: AWS::SNS::Topic, DependsOn: Other}\n"
           "  Fourth:\n"
           "    <<: *base\n"
        << QStringList{"First -> Queue", "Fourth -> Other", "Second -> Queue", "Third -> Other"} << QString() << 0 << QString();
    QTest::newRow("unknown ref is an error")
        << "Resources:\n"
           "  Vpc: {Type: AWS::EC2::VPC}\n"
           "  Subnet:\n"
           "    Type: AWS::EC2::Subnet\n"
           "    Properties:\n"
           "      VpcId: !Ref Vcp\n"
        << QStringList{} << "Resources.Subnet.Properties.VpcId.Ref" << 6
        << "Ref names \"Vcp\", but the template has no resource or parameter of that name (did you mean \"Vpc\"?); expected";
    QTest::newRow("unknown ref in json is an error")
        << "{\n"
           "  \"Resources\": {\n"
           "    \"Subnet\": {\n"
           "      \"Type\": \"AWS::EC2::Subnet\",\n"
           "      \"Properties\": {\"VpcId\": {\"Ref\": \"Vpc\"}}\n"
           "    }\n"
           "  }\n"
           "}\n"
        << QStringList{} << "Resources.Subnet.Properties.VpcId.Ref" << 5 << "Ref names \"Vpc\"";
    QTest::newRow("unknown getatt is an error")
        << "Resources:\n"
           "  Role: {Type: AWS::IAM::Role}\n"
           "  Function:\n"
           "    Type: AWS::Lambda::Function\n"
           "    Properties:\n"
           "      Role: !GetAtt [Rol, Arn]\n"
        << QStringList{} << "Resources.Function.Properties.Role[\"Fn::GetAtt\"][0]" << 6
        << "Fn::GetAtt names \"Rol\", but the template has no resource of that name (did you mean \"Role\"?)";
    QTest::newRow("getatt of a parameter is an error")
        << "Parameters:\n"
           "  Role: {Type: String}\n"
           "Resources:\n"
           "  Function:\n"
           "    Type: AWS::Lambda::Function\n"
           "    Properties:\n"
           "      Role: !GetAtt Role.Arn\n"
        << QStringList{} << "Resources.Function.Properties.Role[\"Fn::GetAtt\"]" << 7 << "which is a parameter; expected the logical id of a resource";
    QTest::newRow("unknown dependson is an error")
        << "Resources:\n"
           "  A: {Type: AWS::SQS::Queue}\n"
           "  B:\n"
           "    Type: AWS::SQS::Queue\n"
           "    DependsOn: [A, C]\n"
        << QStringList{"B -> A"} << "Resources.B.DependsOn[1]" << 5 << "DependsOn names \"C\"";
    QTest::newRow("unknown sub name is an error")
        << "Resources:\n"
           "  A:\n"
           "    Type: AWS::SQS::Queue\n"
           "    Properties:\n"
           "      QueueName: !Sub '${AWS::StackName}-${Missing}'\n"
        << QStringList{} << "Resources.A.Properties.QueueName[\"Fn::Sub\"]" << 5 << "${Missing} names \"Missing\"";
    QTest::newRow("unknown sub attribute is an error")
        << "Resources:\n"
           "  A:\n"
           "    Type: AWS::SQS::Queue\n"
           "    Properties:\n"
           "      QueueName: !Sub '${Missing.Arn}'\n"
        << QStringList{} << "Resources.A.Properties.QueueName[\"Fn::Sub\"]" << 5 << "${Missing.Arn} names \"Missing\"";
    QTest::newRow("unknown pseudo parameter is an error")
        << "Resources:\n"
           "  A:\n"
           "    Type: AWS::SQS::Queue\n"
           "    Properties:\n"
           "      QueueName: !Ref AWS::Regoin\n"
        << QStringList{} << "Resources.A.Properties.QueueName.Ref" << 5 << "not a pseudo parameter (did you mean \"AWS::Region\"?)";
    QTest::newRow("serverless transform: unknown names are warnings")
        << "Transform: AWS::Serverless-2016-10-31\n"
           "Resources:\n"
           "  Function:\n"
           "    Type: AWS::Serverless::Function\n"
           "  Alarm:\n"
           "    Type: AWS::CloudWatch::Alarm\n"
           "    Properties:\n"
           "      AlarmActions: [!GetAtt FunctionRole.Arn, !Ref Function]\n"
        << QStringList{"Alarm -> Function"} << QString() << 0 << QString();
}

void Tst_cloudformationimporter::references()
{
    QFETCH(QString, text);
    QFETCH(QStringList, edges);
    QFETCH(QString, errorPath);
    QFETCH(int, errorLine);
    QFETCH(QString, errorMessage);

    const ImportedPlan plan = read(text);
    QCOMPARE(::edges(plan), edges);
    if (errorPath.isEmpty()) {
        QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
        return;
    }
    QCOMPARE(errorCount(plan.diagnostics), 1);
    const Diagnostic &e = *std::find_if(plan.diagnostics.cbegin(), plan.diagnostics.cend(), [](const Diagnostic &d) { return d.isError(); });
    QCOMPARE(e.path, errorPath);
    QCOMPARE(e.line, errorLine);
    QVERIFY(e.column > 0);
    QVERIFY2(e.message.contains(errorMessage), qPrintable(e.message));
}

// Not a template, or one of the wrong shape: an error with its place, never a crash.
void Tst_cloudformationimporter::badTemplates_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message"); // a part of it

    QTest::newRow("empty") << "" << "" << 1 << "the text is empty; expected a CloudFormation template";
    QTest::newRow("a list") << "\n- a\n- b\n" << "" << 2 << "a CloudFormation template is a mapping with a \"Resources\" section, not a list";
    QTest::newRow("json syntax") << "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\",}}}" << "" << 1 << "not valid JSON";
    QTest::newRow("yaml syntax") << "Resources:\n  A: [b\n" << "" << 3 << "not valid YAML";
    QTest::newRow("no resources") << "AWSTemplateFormatVersion: '2010-09-09'\nDescription: a compose file?\n\n"
                                  << "" << 2 << "the text ends without a \"Resources\" section; expected Resources:";
    QTest::newRow("resources a list") << "Resources: [a]\n" << "Resources" << 1 << "expected a mapping of logical ids to resources";
    QTest::newRow("resources null") << "Description: x\nResources:\n" << "Resources" << 2 << "not nothing (null)";
    QTest::newRow("resources empty") << "{\"Resources\": {}}" << "Resources" << 1 << "the template has no resources; expected at least one";
    QTest::newRow("resource a number") << "Resources:\n  A: 3\n" << "Resources.A" << 2 << "expected a resource, a mapping such as";
    QTest::newRow("no type") << "Resources:\n  A:\n    Properties: {}\n" << "Resources.A" << 2 << "the resource has no \"Type\"";
    QTest::newRow("type a list") << "Resources:\n  A:\n    Type: [x]\n" << "Resources.A.Type" << 3 << "expected a resource type such as AWS::EC2::VPC, not a list";
    QTest::newRow("dependson a number") << "Resources:\n  A:\n    Type: X::Y::Z\n    DependsOn: 3\n" << "Resources.A.DependsOn" << 4 << "expected the logical id of a resource, or a list of them, not 3";
    QTest::newRow("dependson element a mapping") << "Resources:\n  A:\n    Type: X::Y::Z\n    DependsOn: [{a: b}]\n" << "Resources.A.DependsOn[0]" << 4 << "expected the logical id of a resource, not a mapping";
    QTest::newRow("condition undefined") << "Conditions:\n  IsProd: !Equals [a, b]\nResources:\n  A:\n    Type: X::Y::Z\n    Condition: IsPrd\n"
                                         << "Resources.A.Condition" << 6 << "condition \"IsPrd\" is not defined (did you mean \"IsProd\"?)";
    QTest::newRow("condition a list") << "Resources:\n  A:\n    Type: X::Y::Z\n    Condition: [a]\n" << "Resources.A.Condition" << 4 << "expected the name of a condition";
    QTest::newRow("if unknown condition") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: !If [Nope, 1, 2]\n"
                                          << "Resources.A.Properties.P[\"Fn::If\"][0]" << 5 << "condition \"Nope\" is not defined";
    QTest::newRow("if not three") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: !If [Nope, 1]\n"
                                  << "Resources.A.Properties.P[\"Fn::If\"]" << 5 << "expected [Condition, value if true, value if false] for Fn::If, not a list of 2 items";
    QTest::newRow("getatt without attribute") << "Resources:\n  A:\n    Type: X::Y::Z\n  B:\n    Type: X::Y::Z\n    Properties:\n      P: !GetAtt A\n"
                                              << "Resources.B.Properties.P[\"Fn::GetAtt\"]" << 7 << "expected [Resource, Attribute] or \"Resource.Attribute\" for Fn::GetAtt, not \"A\"";
    QTest::newRow("getatt attribute a number") << "Resources:\n  A:\n    Type: X::Y::Z\n  B:\n    Type: X::Y::Z\n    Properties:\n      P: !GetAtt [A, 3]\n"
                                               << "Resources.B.Properties.P[\"Fn::GetAtt\"][1]" << 7 << "expected the name of an attribute";
    QTest::newRow("ref a list") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: {Ref: [a]}\n"
                                << "Resources.A.Properties.P.Ref" << 5 << "expected the logical id of a resource or the name of a parameter for Ref";
    QTest::newRow("sub a number") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: {Fn::Sub: 3}\n"
                                  << "Resources.A.Properties.P[\"Fn::Sub\"]" << 5 << "expected a text for Fn::Sub";
    QTest::newRow("parameters a list") << "Parameters: [a]\nResources:\n  A: {Type: X::Y::Z}\n" << "Parameters" << 1 << "expected a mapping of parameter names";
    QTest::newRow("conditions a string") << "Conditions: x\nResources:\n  A: {Type: X::Y::Z}\n" << "Conditions" << 1 << "expected a mapping of condition names";
    QTest::newRow("foreach not a list") << "Resources:\n  Fn::ForEach::X: 3\n" << "Resources[\"Fn::ForEach::X\"]" << 2 << "expected [Identifier, [Value1, Value2],";
    QTest::newRow("foreach makes a duplicate") << "Resources:\n  Fn::ForEach::X:\n    - Id\n    - [a, b]\n    - Same: {Type: X::Y::Z}\n"
                                               << "Resources[\"Fn::ForEach::X\"][2].Same" << 5 << "a second resource with the logical id \"Same\"";
    QTest::newRow("null property") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P:\n"
                                   << "Resources.A.Properties.P" << 5 << "expected a value, not nothing (null)";
    // yaml-cpp places an empty list item at the token after it (here the end of the text).
    QTest::newRow("null in a list") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P:\n        - a\n        -\n      Q: 1\n"
                                    << "Resources.A.Properties.P[1]" << 8 << "expected a value, not nothing (null)";
    QTest::newRow("properties a string") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      Allocatio\n"
                                         << "Resources.A.Properties" << 4 << "expected a mapping, such as Properties: {...}, not \"Allocatio\"";
    QTest::newRow("type cut short") << "Resources:\n  A:\n    Type: AWS::EC2\n" << "Resources.A.Type" << 3 << "expected a resource type such as AWS::EC2::VPC, not \"AWS::EC2\"";
    QTest::newRow("join of a text") << "Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      P: !Join ''\n"
                                    << "Resources.A.Properties.P[\"Fn::Join\"]" << 5 << "expected a list of 2 values, such as Fn::Join [";
    QTest::newRow("findinmap of two") << "{\"Resources\": {\"A\": {\"Type\": \"X::Y::Z\",\n \"Properties\": {\"P\": {\"Fn::FindInMap\": [\"M\", \"K\"]}}}}}"
                                      << "Resources.A.Properties.P[\"Fn::FindInMap\"]" << 2 << "expected a list of 3 to 4 values";
    QTest::newRow("outputs a list") << "Resources:\n  A: {Type: X::Y::Z}\nOutputs: [a]\n" << "Outputs" << 3 << "expected a mapping of output names";
    QTest::newRow("output without value") << "Resources:\n  A: {Type: X::Y::Z}\nOutputs:\n  Id:\n    Description: The id of th\n"
                                          << "Outputs.Id" << 4 << "the output has no \"Value\"; expected one";
    QTest::newRow("output with unknown ref") << "Resources:\n  A: {Type: X::Y::Z}\nOutputs:\n  Id:\n    Value: !Ref B\n"
                                             << "Outputs.Id.Value.Ref" << 5 << "Ref names \"B\"";
}

void Tst_cloudformationimporter::badTemplates()
{
    QFETCH(QString, text);
    QFETCH(QString, path);
    QFETCH(int, line);
    QFETCH(QString, message);

    const ImportedPlan plan = read(text);
    QVERIFY(plan.hasErrors());
    const Diagnostic &e = plan.diagnostics.first();
    QVERIFY2(e.isError(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(e.path, path);
    QCOMPARE(e.line, line);
    QVERIFY2(e.message.contains(message), qPrintable(e.message));
}

// Fn::ForEach of the AWS::LanguageExtensions transform.
void Tst_cloudformationimporter::forEach_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("addresses");
    QTest::addColumn<QStringList>("edges");
    QTest::addColumn<int>("warnings");

    QTest::newRow("literal list")
        << "Transform: AWS::LanguageExtensions\n"
           "Resources:\n"
           "  Fn::ForEach::Topics:\n"
           "    - Name\n"
           "    - [Alpha, Beta]\n"
           "    - 'Topic${Name}':\n"
           "        Type: AWS::SNS::Topic\n"
           "        DependsOn: 'Queue${Name}'\n"
           "        Properties:\n"
           "          TopicName: !Ref Name\n"
           "          DisplayName: !Sub '${Name}-${AWS::Region}'\n"
           "      'Queue${Name}':\n"
           "        Type: AWS::SQS::Queue\n"
        << QStringList{"TopicAlpha", "QueueAlpha", "TopicBeta", "QueueBeta"}
        << QStringList{"TopicAlpha -> QueueAlpha", "TopicBeta -> QueueBeta"} << 0;
    QTest::newRow("parameter default, &{} drops what is not alphanumeric")
        << "Transform: AWS::LanguageExtensions\n"
           "Parameters:\n"
           "  Cidrs: {Type: CommaDelimitedList, Default: '10.0.0.0/24, 10.0.1.0/24'}\n"
           "Resources:\n"
           "  Vpc: {Type: AWS::EC2::VPC}\n"
           "  Fn::ForEach::Subnets:\n"
           "    - Cidr\n"
           "    - !Ref Cidrs\n"
           "    - 'Subnet&{Cidr}':\n"
           "        Type: AWS::EC2::Subnet\n"
           "        Properties: {VpcId: !Ref Vpc, CidrBlock: !Ref Cidr}\n"
        << QStringList{"Vpc", "Subnet1000024", "Subnet1001024"}
        << QStringList{"Subnet1000024 -> Vpc", "Subnet1001024 -> Vpc"} << 0;
    QTest::newRow("nested loops and a mapping")
        << "Transform: AWS::LanguageExtensions\n"
           "Mappings:\n"
           "  Envs: {All: {Names: [Dev, Prod]}}\n"
           "Resources:\n"
           "  Fn::ForEach::Envs:\n"
           "    - Env\n"
           "    - !FindInMap [Envs, All, Names]\n"
           "    - Fn::ForEach::Tiers:\n"
           "        - Tier\n"
           "        - [Web, Db]\n"
           "        - '${Env}${Tier}':\n"
           "            Type: AWS::EC2::SecurityGroup\n"
           "      '${Env}Vpc':\n"
           "        Type: AWS::EC2::VPC\n"
           "  Link:\n"
           "    Type: AWS::EC2::VPCPeeringConnection\n"
           "    Properties: {VpcId: !Ref DevVpc, PeerVpcId: !GetAtt ProdVpc.VpcId}\n"
        << QStringList{"DevWeb", "DevDb", "DevVpc", "ProdWeb", "ProdDb", "ProdVpc", "Link"}
        << QStringList{"Link -> DevVpc", "Link -> ProdVpc"} << 0;
    QTest::newRow("unknown collection: one resource that others can depend on")
        << "Transform: AWS::LanguageExtensions\n"
           "Parameters:\n"
           "  Names: {Type: CommaDelimitedList}\n"
           "Resources:\n"
           "  Key: {Type: AWS::KMS::Key}\n"
           "  Fn::ForEach::Buckets:\n"
           "    - Name\n"
           "    - !Ref Names\n"
           "    - 'Bucket${Name}':\n"
           "        Type: AWS::S3::Bucket\n"
           "        Properties:\n"
           "          BucketName: !Sub '${Name}-${AWS::AccountId}'\n"
           "          KmsKey: !GetAtt Key.Arn\n"
           "          Tag: !Ref Name\n"
           "  Reader:\n"
           "    Type: AWS::IAM::Policy\n"
           "    Properties: {Resource: !GetAtt BucketLogs.Arn}\n"
        << QStringList{"Key", "Fn::ForEach::Buckets", "Reader"}
        << QStringList{"Fn::ForEach::Buckets -> Key", "Reader -> Fn::ForEach::Buckets"} << 1;
    QTest::newRow("loop inside properties")
        << "Transform: AWS::LanguageExtensions\n"
           "Resources:\n"
           "  Topic: {Type: AWS::SNS::Topic}\n"
           "  Bucket:\n"
           "    Type: AWS::S3::Bucket\n"
           "    Properties:\n"
           "      NotificationConfiguration:\n"
           "        TopicConfigurations:\n"
           "          - Fn::ForEach::Events:\n"
           "              - Event\n"
           "              - [Put, Delete]\n"
           "              - {Event: !Sub 's3:Object${Event}', Topic: !Ref Topic}\n"
        << QStringList{"Topic", "Bucket"} << QStringList{"Bucket -> Topic"} << 0;
}

void Tst_cloudformationimporter::forEach()
{
    QFETCH(QString, text);
    QFETCH(QStringList, addresses);
    QFETCH(QStringList, edges);
    QFETCH(int, warnings);

    const ImportedPlan plan = read(text);
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(warningCount(plan.diagnostics), warnings);
    QCOMPARE(::addresses(plan), addresses);
    QCOMPARE(::edges(plan), edges);
}

void Tst_cloudformationimporter::sourceKeepsFacts()
{
    const ImportedPlan plan = read(QStringLiteral(
        "Transform: AWS::LanguageExtensions\n"
        "Conditions:\n"
        "  IsProd: !Equals [a, b]\n"
        "Resources:\n"
        "  Db:\n"
        "    Type: AWS::RDS::DBInstance\n"
        "    Condition: IsProd\n"
        "    DeletionPolicy: Snapshot\n"
        "    UpdateReplacePolicy: Retain\n"
        "  Child:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: 'https://example.com/child.yaml', Parameters: {Db: !Ref Db}}\n"
        "  Fn::ForEach::Q:\n"
        "    - Name\n"
        "    - [A]\n"
        "    - 'Queue${Name}': {Type: AWS::SQS::Queue}\n"));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), 3);
    const ImportedResource &db = plan.resources[0];
    QCOMPARE(db.source, nlohmann::ordered_json::parse(R"({"condition": "IsProd", "deletion_policy": "Snapshot", "update_replace_policy": "Retain"})"));
    QCOMPARE(db.note, QStringLiteral("created only if condition IsProd holds"));
    QVERIFY(db.run);
    const ImportedResource &child = plan.resources[1];
    QCOMPARE(child.dependsOn, QStringList{QStringLiteral("Db")});
    QCOMPARE(child.source.value("template_url", std::string()), std::string("https://example.com/child.yaml"));
    const ImportedResource &queue = plan.resources[2];
    QCOMPARE(queue.address, QStringLiteral("QueueA"));
    QCOMPARE(queue.source["for_each"], nlohmann::ordered_json::parse(R"({"Name": "A"})"));
}

// awslabs_SingleENIwithMultipleEIPs.json, read whole: lines 27-30 and 37-40.
void Tst_cloudformationimporter::smallFileHasExactlyItsEdges()
{
    const ImportedPlan plan = CloudFormationImporter::read(decodedFile(corpusFile(QStringLiteral("awslabs_SingleENIwithMultipleEIPs.json"))));
    QCOMPARE(addresses(plan), (QStringList{"EIP1", "EIP2", "Association1", "Association2", "ENI"}));
    QCOMPARE(edges(plan), (QStringList{"Association1 -> EIP1", "Association1 -> ENI", "Association2 -> EIP2", "Association2 -> ENI"}));
    QCOMPARE(plan.resources[2].dependsOn, (QStringList{"ENI", "EIP1"})); // in the order the template names them
}

// Six loops of ten inside one another would make a million copies.
void Tst_cloudformationimporter::loopsCannotExpandWithoutEnd()
{
    QString text = QStringLiteral("Resources:\n");
    QString indent = QStringLiteral("  ");
    for (int i = 0; i < 6; ++i) {
        text += indent + QStringLiteral("Fn::ForEach::L%1:\n").arg(i);
        text += indent + QStringLiteral("  - I%1\n").arg(i);
        text += indent + QStringLiteral("  - [a, b, c, d, e, f, g, h, i, j]\n");
        text += indent + QStringLiteral("  -\n");
        indent += QStringLiteral("    ");
    }
    text += indent + QStringLiteral("'R${I0}${I1}${I2}${I3}${I4}${I5}': {Type: AWS::SQS::Queue}\n");
    const ImportedPlan plan = read(text);
    QVERIFY(plan.hasErrors());
    QVERIFY2(dump(plan.diagnostics).contains(QStringLiteral("more than 10000")), qPrintable(dump(plan.diagnostics)));
    QVERIFY(plan.resources.size() <= 10'000);
}

void Tst_cloudformationimporter::mutatedFilesNeverCrash_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("json") << "awslabs_DMSAuroraToS3_24res.json";
    QTest::newRow("yaml") << "awslabs_codestar_python_webservice_16res.yml";
    QTest::newRow("yaml with loop") << "cfnlint_foreach_language_extensions.yaml";
}

// Bytes replaced, deleted or repeated at random (a fixed seed): whatever comes out, no crash, and
// every error that a path locates has a line.
void Tst_cloudformationimporter::mutatedFilesNeverCrash()
{
    QFETCH(QString, file);
    const std::string text = decodedFile(corpusFile(file));
    QRandomGenerator random(42);
    const char alphabet[] = "{}[]:,\"'!&$-# \n\tRefFn::GetAtt.Sub${}0";
    for (int round = 0; round < 300; ++round) {
        std::string mutated = text;
        for (int edits = 1 + random.bounded(3); edits > 0; --edits) {
            const std::size_t at = random.bounded(quint32(mutated.size()));
            switch (random.bounded(3)) {
            case 0:
                mutated[at] = alphabet[random.bounded(quint32(sizeof alphabet - 1))];
                break;
            case 1:
                mutated.erase(at, 1 + random.bounded(20));
                break;
            default:
                mutated.insert(at, mutated.substr(at, 1 + random.bounded(20)));
                break;
            }
        }
        const ImportedPlan plan = CloudFormationImporter::read(mutated);
        for (const Diagnostic &d : plan.diagnostics)
            QVERIFY2(!d.isError() || d.path.isEmpty() || d.line > 0, qPrintable(d.toString()));
    }
}

QTEST_GUILESS_MAIN(Tst_cloudformationimporter)
#include "tst_cloudformationimporter.moc"
