#pragma once

#include "engine/import/terraformvalues.h"
#include "engine/support/jsonlocator.h"

#include <string>
#include <vector>

namespace fanout::terraform {

// Builds, as nlohmann/json's SAX parser (json::sax_parse) reads a plan, the values the importer
// reads and only those: the rest, mostly values before and after each change, is checked as JSON
// and dropped as it is read. Building a large plan whole and then destroying it took over a
// second. A SAX handler rather than json::parse with a parser_callback_t, which is shorter by
// little: that parser, after each object it keeps, scans the whole container around it for a
// discarded member (quadratic in resource_changes: a tenth of the time with 10,000 changes, and
// growing), and allocates every key of the document to pass it to the callback. Together the two
// made it a quarter slower than this.
class PlanBuilder
{
public:
    json document;

    // Deeper text is refused, as StructuredText refuses it (kMaxJsonDepth): copying and destroying
    // such a value recurses in nlohmann/json, and so does reading its expressions.
    static constexpr std::size_t kMaxDepth = kMaxJsonDepth;

    // Reads `text` into `document`. False when it is not one JSON value or nests too deep: then
    // StructuredText, which stops at the same place, says why. Throws only when memory runs out.
    bool parse(const std::string &text);

    // "values" but no "planned_values" at the top: what terraform show -json shows without a plan file.
    bool looksLikeState() const { return m_sawValues && !m_sawPlannedValues; }

    // What a container of the document is, as far as the importer cares.
    enum class Part {
        Root, Changes, Change, ChangeDetail, State, StateResources, StateResource,
        Configuration, Module, Resources, Resource, Calls, Call, Outputs, Output,
        Expressions, // anything else in configuration: expressions and their nested blocks
        Other
    };

    // nlohmann/json's SAX interface, which parse() gives the parser. Returning false stops it.
    bool null();
    bool boolean(bool b);
    bool number_integer(json::number_integer_t n);
    bool number_unsigned(json::number_unsigned_t n);
    bool number_float(json::number_float_t n, const std::string &);
    bool string(std::string &s);
    bool binary(json::binary_t &);
    bool start_object(std::size_t);
    bool start_array(std::size_t);
    bool end_object();
    bool end_array();
    bool parse_error(std::size_t, const std::string &, const json::exception &);
    bool key(std::string &name);

private:
    struct Container
    {
        json *value = nullptr; // null when left out
        Part part = Part::Other;
        bool array = false;
    };

    json *place(Part *part);
    template<typename Scalar>
    bool value(const Scalar &v);
    bool open(json::value_t type);
    bool close();

    std::vector<Container> m_open; // the containers being read, outermost first
    json *m_member = nullptr;      // where the value of the member whose key came last goes, if it is built
    Part m_memberPart = Part::Other;
    bool m_sawValues = false;
    bool m_sawPlannedValues = false;
};

} // namespace fanout::terraform
