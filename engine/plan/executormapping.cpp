#include "engine/plan/executormapping.h"

#include "engine/plan/plan.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

#include <QHash>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// `*` matches any run of characters (dots and colons included), `?` any one character.
bool globMatch(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype star = -1;
    qsizetype resume = 0;
    while (t < text.size()) {
        // A '*' of the pattern is a wildcard before it is a character: "*" matches "*ws" too.
        if (p < pattern.size() && pattern[p] == QLatin1Char('*')) {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && (pattern[p] == QLatin1Char('?') || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

// How long creating one takes, roughly, as seen in provider documentation and in practice: what
// a forecast of an imported plan rests on until the user maps types to real executors.
struct Estimate
{
    const char *type;
    int seconds;
};

constexpr Estimate kEstimates[] = {
    // Terraform, AWS
    {"aws_db_instance", 480}, {"aws_rds_cluster", 600}, {"aws_rds_cluster_instance", 480},
    {"aws_db_subnet_group", 3}, {"aws_db_parameter_group", 5}, {"aws_db_option_group", 5},
    {"aws_elasticache_cluster", 420}, {"aws_elasticache_replication_group", 600},
    {"aws_elasticache_subnet_group", 3}, {"aws_eks_cluster", 600}, {"aws_eks_node_group", 240},
    {"aws_eks_addon", 60}, {"aws_eks_fargate_profile", 180}, {"aws_msk_cluster", 1500},
    {"aws_elasticsearch_domain", 900}, {"aws_opensearch_domain", 900}, {"aws_redshift_cluster", 600},
    {"aws_cloudfront_distribution", 300}, {"aws_nat_gateway", 120}, {"aws_lb", 180}, {"aws_alb", 180},
    {"aws_elb", 60}, {"aws_lb_target_group", 5}, {"aws_lb_listener", 3}, {"aws_lb_listener_rule", 3},
    {"aws_instance", 45}, {"aws_spot_instance_request", 60}, {"aws_autoscaling_group", 60},
    {"aws_launch_template", 3}, {"aws_launch_configuration", 3}, {"aws_ecs_service", 120},
    {"aws_ecs_cluster", 10}, {"aws_ecs_task_definition", 3}, {"aws_lambda_function", 20},
    {"aws_vpc", 5}, {"aws_subnet", 4}, {"aws_internet_gateway", 4}, {"aws_eip", 3},
    {"aws_route_table", 3}, {"aws_route", 2}, {"aws_route_table_association", 2},
    {"aws_security_group", 4}, {"aws_security_group_rule", 2}, {"aws_vpc_endpoint", 60},
    {"aws_transit_gateway", 180}, {"aws_vpn_gateway", 120}, {"aws_route53_zone", 40},
    {"aws_route53_record", 40}, {"aws_acm_certificate", 10}, {"aws_acm_certificate_validation", 180},
    {"aws_s3_bucket", 4}, {"aws_dynamodb_table", 15}, {"aws_kms_key", 5}, {"aws_sqs_queue", 3},
    {"aws_sns_topic", 3}, {"aws_efs_file_system", 20}, {"aws_efs_mount_target", 90},
    {"aws_api_gateway_deployment", 10}, {"aws_cloudtrail", 10}, {"aws_sfn_state_machine", 5},
    // Terraform, Google Cloud
    {"google_container_cluster", 480}, {"google_container_node_pool", 240},
    {"google_sql_database_instance", 600}, {"google_redis_instance", 300},
    {"google_compute_instance", 40}, {"google_compute_network", 30}, {"google_compute_subnetwork", 20},
    {"google_compute_router_nat", 30}, {"google_project_service", 30}, {"google_service_account", 3},
    {"google_storage_bucket", 3}, {"google_cloud_run_service", 60}, {"google_cloud_run_v2_service", 60},
    {"google_cloudfunctions_function", 90}, {"google_cloudfunctions2_function", 120},
    {"google_artifact_registry_repository", 10}, {"google_pubsub_topic", 3}, {"google_secret_manager_secret", 3},
    // Terraform, Azure
    {"azurerm_kubernetes_cluster", 480}, {"azurerm_postgresql_flexible_server", 480},
    {"azurerm_mssql_server", 120}, {"azurerm_mssql_database", 120}, {"azurerm_resource_group", 5},
    {"azurerm_virtual_network", 10}, {"azurerm_subnet", 5}, {"azurerm_linux_virtual_machine", 60},
    {"azurerm_windows_virtual_machine", 90}, {"azurerm_application_gateway", 600},
    {"azurerm_key_vault", 180}, {"azurerm_storage_account", 25},
    // Terraform, providers that compute things locally
    {"null_resource", 1}, {"terraform_data", 1}, {"local_file", 1}, {"local_sensitive_file", 1},
    // CloudFormation
    {"AWS::RDS::DBInstance", 480}, {"AWS::RDS::DBCluster", 600}, {"AWS::RDS::DBSubnetGroup", 3},
    {"AWS::EC2::NatGateway", 120}, {"AWS::EC2::Instance", 45}, {"AWS::EC2::VPC", 5},
    {"AWS::EC2::Subnet", 4}, {"AWS::EC2::VPCEndpoint", 60}, {"AWS::EC2::TransitGateway", 180},
    {"AWS::EC2::VPNGateway", 120}, {"AWS::CloudFront::Distribution", 300},
    {"AWS::ElasticLoadBalancingV2::LoadBalancer", 180}, {"AWS::ElasticLoadBalancing::LoadBalancer", 60},
    {"AWS::ElasticLoadBalancingV2::TargetGroup", 5}, {"AWS::ElasticLoadBalancingV2::Listener", 3},
    {"AWS::ECS::Service", 120}, {"AWS::ECS::Cluster", 10}, {"AWS::ECS::TaskDefinition", 3},
    {"AWS::Lambda::Function", 20}, {"AWS::S3::Bucket", 4}, {"AWS::AutoScaling::AutoScalingGroup", 60},
    {"AWS::AutoScaling::LaunchConfiguration", 3}, {"AWS::DMS::ReplicationInstance", 600},
    {"AWS::DMS::ReplicationTask", 30}, {"AWS::CloudFormation::Stack", 180},
    {"AWS::CloudFormation::WaitCondition", 300}, {"AWS::EKS::Cluster", 600}, {"AWS::EKS::Nodegroup", 240},
    {"AWS::DynamoDB::Table", 15}, {"AWS::Elasticsearch::Domain", 900}, {"AWS::OpenSearchService::Domain", 900},
    {"AWS::Route53::RecordSet", 40}, {"AWS::Route53::HostedZone", 40}, {"AWS::CertificateManager::Certificate", 180},
    {"AWS::CloudTrail::Trail", 10}, {"AWS::KMS::Key", 5},
    // Compose
    {"service", 5},
};

// Families, tried in order after the exact types above.
constexpr Estimate kFamilies[] = {
    {"aws_iam_*", 3}, {"aws_s3_bucket_*", 2}, {"aws_cloudwatch_*", 3}, {"aws_ssm_*", 2},
    {"aws_*", 10},
    {"google_project_iam_*", 5}, {"google_*_iam_*", 5}, {"google_*", 10},
    {"azurerm_role_*", 10}, {"azurerm_*", 30},
    {"random_*", 1}, {"tls_*", 1}, {"time_*", 1}, {"kubernetes_*", 5}, {"helm_release", 60},
    {"AWS::IAM::*", 3}, {"AWS::EC2::*", 5}, {"AWS::Logs::*", 3}, {"AWS::SNS::*", 3}, {"AWS::SQS::*", 3},
    {"AWS::Config::*", 10}, {"AWS::ElastiCache::*", 420}, {"AWS::CloudWatch::*", 3}, {"AWS::Events::*", 3},
    {"AWS::Serverless::*", 20}, {"AWS::*", 10},
    {"*", 10},
};

ExecutorMapping::Rule simRule(const char *match, int seconds)
{
    ExecutorMapping::Rule rule;
    rule.match = QString::fromLatin1(match);
    rule.builtIn = true;
    rule.path = QStringLiteral("built-in mapping");
    const qint64 ms = qint64(seconds) * 1000;
    // A spread of a fifth either way, so that a forecast is not a lockstep.
    rule.fields["type"] = "sim";
    rule.fields["duration"] = json::array({formatDuration(ms * 4 / 5).toStdString(), formatDuration(ms * 6 / 5).toStdString()});
    rule.fields["estimate"] = formatDuration(ms).toStdString();
    return rule;
}

struct BuiltIn
{
    ExecutorMapping mapping;
    QHash<QString, int> exact; // type -> index into the rules
    int firstFamily = 0;
};

const QString kPlaceholders[] = {QStringLiteral("address"), QStringLiteral("type"), QStringLiteral("id"),
                                 QStringLiteral("name"), QStringLiteral("group")};

json substitute(const json &value, const QHash<QString, QString> &values)
{
    if (value.is_string()) {
        QString text = QString::fromStdString(value.get<std::string>());
        if (!text.contains(QLatin1String("${")))
            return value;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            text.replace(QStringLiteral("${%1}").arg(it.key()), it.value());
        return text.toStdString();
    }
    if (value.is_array()) {
        json out = json::array();
        for (const json &element : value)
            out.push_back(substitute(element, values));
        return out;
    }
    if (value.is_object()) {
        json out = json::object();
        for (const auto &[key, member] : value.items())
            out[key] = substitute(member, values);
        return out;
    }
    return value;
}

} // namespace

class ExecutorMappingBuiltIn
{
public:
    static const BuiltIn &get()
    {
        static const BuiltIn builtIn = [] {
            BuiltIn b;
            QList<ExecutorMapping::Rule> rules;
            for (const Estimate &e : kEstimates) {
                b.exact.insert(QString::fromLatin1(e.type), int(rules.size()));
                rules.append(simRule(e.type, e.seconds));
            }
            b.firstFamily = int(rules.size());
            for (const Estimate &e : kFamilies)
                rules.append(simRule(e.type, e.seconds));
            b.mapping = ExecutorMapping::withRules(rules);
            return b;
        }();
        return builtIn;
    }
};

ExecutorMapping ExecutorMapping::withRules(QList<Rule> rules)
{
    ExecutorMapping mapping;
    mapping.m_rules = std::move(rules);
    return mapping;
}

ExecutorMapping ExecutorMapping::fromJson(const nlohmann::ordered_json &rules, Diagnostics &out)
{
    ExecutorMapping mapping;
    const QString base = QStringLiteral("mapping");
    auto error = [&](const QString &path, const QString &message) {
        out.append(Diagnostic::error(path, message));
    };
    if (rules.is_null())
        return mapping;
    if (!rules.is_array()) {
        error(base, QStringLiteral("must be a list of rules, such as [{\"match\": \"aws_*\", \"type\": \"command\", \"command\": [\"terraform\", \"apply\", \"-target=${address}\", \"-auto-approve\"]}]"));
        return mapping;
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const json &entry = rules[i];
        const QString path = jsonIndexPath(base, qsizetype(i));
        if (!entry.is_object()) {
            error(path, QStringLiteral("a rule is an object such as {\"match\": \"aws_db_*\", \"type\": \"sim\", \"duration\": \"8m\"}"));
            continue;
        }
        Rule rule;
        rule.path = path;
        const auto match = entry.find("match");
        if (match == entry.end() || !match->is_string() || match->get<std::string>().empty()) {
            error(match == entry.end() ? path : jsonMemberPath(path, QStringLiteral("match")),
                  QStringLiteral("a rule needs \"match\": the source types it applies to, such as \"aws_*\" or \"AWS::RDS::*\" (* matches anything)"));
            continue;
        }
        rule.match = QString::fromStdString(match->get<std::string>());
        if (const auto address = entry.find("address"); address != entry.end()) {
            if (!address->is_string()) {
                error(jsonMemberPath(path, QStringLiteral("address")), QStringLiteral("must be a pattern of addresses, such as \"module.db.*\""));
                continue;
            }
            rule.address = QString::fromStdString(address->get<std::string>());
        }
        const auto type = entry.find("type");
        if (type == entry.end() || !type->is_string()) {
            error(type == entry.end() ? path : jsonMemberPath(path, QStringLiteral("type")),
                  QStringLiteral("a rule needs \"type\": the executor that provisions what it matches, such as \"command\" or \"sim\""));
            continue;
        }
        for (const auto &[key, value] : entry.items()) {
            if (key != "match" && key != "address")
                rule.fields[key] = value;
        }
        rule.hasPlaceholders = entry.dump().find("${") != std::string::npos;
        mapping.m_rules.append(rule);
    }
    return mapping;
}

nlohmann::ordered_json ExecutorMapping::newRuleFields(const QString &importFormat)
{
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    fields["type"] = "command";
    if (importFormat.startsWith(QLatin1String("terraform")))
        fields["command"] = nlohmann::ordered_json::array({"terraform", "apply", "-target=${address}", "-auto-approve"});
    else if (importFormat == QLatin1String("compose"))
        fields["command"] = nlohmann::ordered_json::array({"docker", "compose", "up", "--detach", "--no-deps", "${name}"});
    else
        fields["command"] = nlohmann::ordered_json::array({"echo", "${address}"});
    return fields;
}

const ExecutorMapping &ExecutorMapping::builtIn()
{
    return ExecutorMappingBuiltIn::get().mapping;
}

const ExecutorMapping::Rule *ExecutorMapping::ownRuleFor(const QString &type, const QString &address) const
{
    for (const Rule &rule : m_rules) {
        if (globMatch(rule.match, type) && (rule.address.isEmpty() || globMatch(rule.address, address)))
            return &rule;
    }
    return nullptr;
}

const ExecutorMapping::Rule &ExecutorMapping::ruleFor(const QString &type, const QString &address) const
{
    if (const Rule *own = ownRuleFor(type, address))
        return *own;
    const BuiltIn &b = ExecutorMappingBuiltIn::get();
    const QList<Rule> &builtInRules = b.mapping.m_rules;
    if (const auto it = b.exact.constFind(type); it != b.exact.cend())
        return builtInRules[*it];
    for (int i = b.firstFamily; i < builtInRules.size(); ++i) {
        if (globMatch(builtInRules[i].match, type))
            return builtInRules[i];
    }
    Q_ASSERT_X(false, "ExecutorMapping::ruleFor", "the built-in table ends with a catch-all");
    return builtInRules.constLast();
}

nlohmann::ordered_json ExecutorMapping::fieldsFor(const Rule &rule, const QString &id, const nlohmann::ordered_json &source,
                                                  const QString &name, const QString &group)
{
    if (!rule.hasPlaceholders)
        return rule.fields;
    auto text = [&](const char *key) {
        const auto it = source.find(key);
        return it != source.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    const QString address = text("address");
    const QHash<QString, QString> values = {
        {kPlaceholders[0], address.isEmpty() ? id : address},
        {kPlaceholders[1], text("type")},
        {kPlaceholders[2], id},
        {kPlaceholders[3], name.isEmpty() ? id : name},
        {kPlaceholders[4], group},
    };
    return substitute(rule.fields, values);
}

} // namespace fanout
