#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

// Terraform's addresses, as resource_changes, configuration and prior_state write them.
namespace fanout::terraform {

// "module.m[0].aws_subnet.a[\"x.y\"]" -> "module.m.aws_subnet.a": the configuration address of an
// instance. Keys may be quoted strings holding dots, brackets and escaped quotes.
QString withoutKeys(const QString &address);

// The module paths a configuration address lies in, outermost first:
// "module.a.module.b.aws_x.y" -> {"module.a", "module.a.module.b"}. `resource` gets what follows.
QStringList enclosingModules(const QString &configAddress, QStringView *resource = nullptr);

// The module instances an instance address lies in, outermost first, each with its key:
// "module.a[\"x.y\"].module.b[0].aws_x.y" -> {"module.a[\"x.y\"]", "module.a[\"x.y\"].module.b[0]"}.
QStringList enclosingModuleInstances(const QString &address);

} // namespace fanout::terraform
