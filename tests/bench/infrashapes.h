#pragma once

// Plans shaped like real infrastructure, for the layout's tests and benchmarks: one resource (a
// compartment, a VPC, a provider) that dozens of others depend on, and modules that each repeat
// that shape. Plans of this shape are the rule in Terraform and CloudFormation, and a layered
// layout draws each such fan-out as one rank, far wider than any window.

#include "engine/plan/plan.h"

namespace fanout::bench {

inline Resource simResource(const QString &id, const QStringList &dependsOn = {}, const QString &group = {})
{
    Resource r;
    r.id = id;
    r.type = QStringLiteral("sim");
    r.dependsOn = dependsOn;
    r.group = group;
    return r;
}

// Like an OCI landing zone: a tenancy, and `modules` module instances, each a compartment that
// `leaves` resources depend on (policies, buckets, vaults), and two that depend on leaves of it.
inline Plan landingZone(int modules = 12, int leaves = 16)
{
    Plan plan;
    plan.name = QStringLiteral("landing-zone");
    plan.resources.append(simResource(QStringLiteral("tenancy")));
    for (int m = 0; m < modules; ++m) {
        const QString group = QStringLiteral("module.zone[%1]").arg(m);
        plan.groups.append(Group{group, QString(), 0});
        const QString compartment = group + QStringLiteral(".compartment");
        plan.resources.append(simResource(compartment, {QStringLiteral("tenancy")}, group));
        for (int l = 0; l < leaves; ++l)
            plan.resources.append(simResource(group + QStringLiteral(".policy_%1").arg(l), {compartment}, group));
        plan.resources.append(simResource(group + QStringLiteral(".alarm"), {group + QStringLiteral(".policy_0"), group + QStringLiteral(".policy_1")}, group));
        plan.resources.append(simResource(group + QStringLiteral(".report"), {group + QStringLiteral(".alarm")}, group));
    }
    return plan;
}

// Like `terraform graph` of an EKS project, 468 resources as Fanout imports it (providers and
// variables looked through): a VPC that 60 subnets and 16 security groups depend on, an EKS
// cluster on all the subnets, 40 node pools (a launch template, a node group, an autoscaling
// policy), five rules for each security group, and 95 IAM roles with a policy attachment each.
inline Plan eksLike()
{
    Plan plan;
    plan.name = QStringLiteral("eks-like");
    const QString vpc = QStringLiteral("aws_vpc.main");
    const QString cluster = QStringLiteral("aws_eks_cluster.main");
    plan.resources.append(simResource(vpc));
    QStringList subnets;
    for (int s = 0; s < 60; ++s) {
        subnets.append(QStringLiteral("aws_subnet.private[%1]").arg(s));
        plan.resources.append(simResource(subnets.last(), {vpc}));
    }
    plan.resources.append(simResource(cluster, subnets));
    for (int p = 0; p < 40; ++p) {
        const QString launchTemplate = QStringLiteral("aws_launch_template.pool[%1]").arg(p);
        const QString nodeGroup = QStringLiteral("aws_eks_node_group.pool[%1]").arg(p);
        plan.resources.append(simResource(launchTemplate, {vpc}));
        plan.resources.append(simResource(nodeGroup, {cluster, launchTemplate}));
        plan.resources.append(simResource(QStringLiteral("aws_autoscaling_policy.pool[%1]").arg(p), {nodeGroup}));
    }
    for (int g = 0; g < 16; ++g) {
        const QString group = QStringLiteral("aws_security_group.sg[%1]").arg(g);
        plan.resources.append(simResource(group, {vpc}));
        for (int r = 0; r < 5; ++r)
            plan.resources.append(simResource(QStringLiteral("aws_security_group_rule.sg%1[%2]").arg(g).arg(r), {group}));
    }
    for (int r = 0; r < 95; ++r) {
        const QString role = QStringLiteral("aws_iam_role.r%1").arg(r);
        plan.resources.append(simResource(role));
        plan.resources.append(simResource(QStringLiteral("aws_iam_role_policy_attachment.r%1").arg(r), {role}));
    }
    return plan;
}

// Like bench_import's Terraform plan: a DNS zone, and `modules` module instances of one service,
// each a VPC, 4 subnets, a security group, an IAM role, `instances` instances, a load balancer, a
// database and a DNS record in the zone: 10 + `instances` resources a module.
inline Plan services(int modules, int instances = 40)
{
    Plan plan;
    plan.name = QStringLiteral("services");
    const QString zone = QStringLiteral("aws_route53_zone.main");
    plan.resources.append(simResource(zone));
    for (int m = 0; m < modules; ++m) {
        const QString group = QStringLiteral("module.svc%1").arg(m);
        plan.groups.append(Group{group, QString(), 0});
        const auto id = [&](const QString &name) { return group + QLatin1Char('.') + name; };
        plan.resources.append(simResource(id(QStringLiteral("aws_vpc.main")), {}, group));
        QStringList subnets;
        for (int s = 0; s < 4; ++s) {
            subnets.append(id(QStringLiteral("aws_subnet.private[%1]").arg(s)));
            plan.resources.append(simResource(subnets.last(), {id(QStringLiteral("aws_vpc.main"))}, group));
        }
        const QString sg = id(QStringLiteral("aws_security_group.app"));
        const QString role = id(QStringLiteral("aws_iam_role.app"));
        plan.resources.append(simResource(sg, {id(QStringLiteral("aws_vpc.main"))}, group));
        plan.resources.append(simResource(role, {}, group));
        for (int i = 0; i < instances; ++i)
            plan.resources.append(simResource(id(QStringLiteral("aws_instance.app[%1]").arg(i)), subnets + QStringList{sg, role}, group));
        const QString lb = id(QStringLiteral("aws_lb.app"));
        plan.resources.append(simResource(lb, subnets + QStringList{sg}, group));
        plan.resources.append(simResource(id(QStringLiteral("aws_db_instance.db")), subnets + QStringList{sg}, group));
        plan.resources.append(simResource(id(QStringLiteral("aws_route53_record.app")), {lb, zone}, group));
    }
    return plan;
}

} // namespace fanout::bench
