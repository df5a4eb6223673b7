#include "engine/import/terraformplanbuilder.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace fanout::terraform {

namespace {

// What the importer reads of a plan. A plan is mostly values (before and after each change,
// planned_values, the state's values) that the importer never looks at: PlanBuilder leaves them
// out, so that a large plan is read quickly.
using Part = PlanBuilder::Part;

// What a container that is member `key` (empty: an array element) of a `parent` is.
Part partOf(Part parent, std::string_view key)
{
    switch (parent) {
    case Part::Root:
        return key == "resource_changes" ? Part::Changes : key == "prior_state" ? Part::State
               : key == "configuration"  ? Part::Configuration : Part::Other;
    case Part::Changes: return Part::Change;
    case Part::Change: return key == "change" ? Part::ChangeDetail : Part::Other;
    case Part::State: return key == "resources" ? Part::StateResources : Part::State;
    case Part::StateResources: return Part::StateResource;
    case Part::Configuration: return key == "root_module" ? Part::Module : Part::Other;
    case Part::Module:
        return key == "resources" ? Part::Resources : key == "module_calls" ? Part::Calls
               : key == "outputs" ? Part::Outputs : Part::Other;
    case Part::Resources: return Part::Resource;
    case Part::Calls: return Part::Call;
    case Part::Call: return key == "module" ? Part::Module : Part::Expressions;
    case Part::Outputs: return Part::Output;
    case Part::Resource: case Part::Output: case Part::Expressions: return Part::Expressions;
    default: return Part::Other;
    }
}

bool oneOf(std::string_view name, std::initializer_list<std::string_view> names)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether member `name` of a container that is `part` is read: only what the importer uses.
bool wanted(Part part, std::string_view name)
{
    switch (part) {
    case Part::Root:
        return oneOf(name, {"resource_changes", "configuration", "prior_state", "format_version", "errored", "complete"});
    case Part::Change:
        return oneOf(name, {"address", "module_address", "mode", "type", "index", "change", "action_reason",
                            "previous_address", "provider_name", "deposed"});
    case Part::ChangeDetail: return name == "actions"; // not the values before and after
    case Part::StateResource: return oneOf(name, {"address", "depends_on", "deposed_key"});
    case Part::Configuration: return name == "root_module";
    case Part::Module: return oneOf(name, {"resources", "module_calls", "outputs"});
    case Part::Resource:
        return oneOf(name, {"address", "expressions", "count_expression", "for_each_expression", "provisioners", "depends_on"});
    case Part::Call: return oneOf(name, {"module", "expressions", "depends_on", "count_expression", "for_each_expression"});
    case Part::Output: return oneOf(name, {"expression", "depends_on"});
    case Part::Expressions: return name != "constant_value"; // a literal: no references in it, and sometimes large
    default: return true;
    }
}

} // namespace

// Here rather than where the plan is imported, so that the parser the template makes calls the
// handler's functions in this file, where they can be inlined: it calls one for every token.
bool PlanBuilder::parse(const std::string &text)
{
    return json::sax_parse(text, this);
}

bool PlanBuilder::null() { return value(nullptr); }
bool PlanBuilder::boolean(bool b) { return value(b); }
bool PlanBuilder::number_integer(json::number_integer_t n) { return value(n); }
bool PlanBuilder::number_unsigned(json::number_unsigned_t n) { return value(n); }
bool PlanBuilder::number_float(json::number_float_t n, const std::string &) { return value(n); }
bool PlanBuilder::string(std::string &s) { return value(s); }
bool PlanBuilder::binary(json::binary_t &) { return false; } // not in JSON text
bool PlanBuilder::start_object(std::size_t) { return open(json::value_t::object); }
bool PlanBuilder::start_array(std::size_t) { return open(json::value_t::array); }
bool PlanBuilder::end_object() { return close(); }
bool PlanBuilder::end_array() { return close(); }
bool PlanBuilder::parse_error(std::size_t, const std::string &, const json::exception &) { return false; }

bool PlanBuilder::key(std::string &name)
{
    const Container &object = m_open.back();
    if (m_open.size() == 1) {
        m_sawValues = m_sawValues || name == "values";
        m_sawPlannedValues = m_sawPlannedValues || name == "planned_values";
    }
    m_member = object.value && wanted(object.part, name) ? &(*object.value)[name] : nullptr;
    if (m_member)
        m_memberPart = partOf(object.part, name);
    return true;
}

// Where the value that comes next goes, if it is built, and what part of the plan it is.
json *PlanBuilder::place(Part *part)
{
    if (m_open.empty()) {
        *part = Part::Root;
        return &document;
    }
    const Container &parent = m_open.back();
    if (parent.array) {
        if (!parent.value)
            return nullptr;
        *part = partOf(parent.part, std::string_view());
        return &parent.value->emplace_back();
    }
    *part = m_memberPart;
    return std::exchange(m_member, nullptr);
}

template<typename Scalar>
bool PlanBuilder::value(const Scalar &v)
{
    Part part = Part::Other;
    if (json *into = place(&part))
        *into = v;
    return true;
}

bool PlanBuilder::open(json::value_t type)
{
    if (m_open.size() >= kMaxDepth)
        return false;
    Container container;
    container.value = place(&container.part);
    container.array = type == json::value_t::array;
    if (container.value)
        *container.value = json(type);
    m_open.push_back(container);
    return true;
}

bool PlanBuilder::close()
{
    m_open.pop_back();
    return true;
}

} // namespace fanout::terraform
