#include "executormapping.h"

#include "plan.h"

namespace fanout {

ExecutorMapping ExecutorMapping::fromJson(const nlohmann::ordered_json &, Diagnostics &)
{
    return {};
}

const ExecutorMapping &ExecutorMapping::builtIn()
{
    static const ExecutorMapping mapping;
    return mapping;
}

const ExecutorMapping::Rule &ExecutorMapping::ruleFor(const QString &, const QString &) const
{
    static const Rule rule;
    return rule;
}

nlohmann::ordered_json ExecutorMapping::fieldsFor(const Rule &rule, const Resource &)
{
    return rule.fields;
}

} // namespace fanout
