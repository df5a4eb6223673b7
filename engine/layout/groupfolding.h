#pragma once

#include "engine/layout/graphlayout.h"

#include <QHash>
#include <QList>

#include <vector>

namespace fanout {

// A plan of thousands of resources cannot be drawn whole in a readable way, nor laid out by
// Graphviz in a few seconds; its groups (Terraform modules, mostly) can. A folded group
// (GraphLayoutInput::Group::folded) is drawn as one summary node in place of its members, and every
// dependency between a member and something outside becomes one edge to or from that summary.
//
//   GroupFolding folding(input);
//   if (folding.folds())
//       layout = folding.unfold(dot(folding.displayInput()));
//
// The display input has the nodes drawn, in input order, with each folded group's summary where
// its first member was; only the groups not folded, as clusters.
class GroupFolding
{
public:
    explicit GroupFolding(const GraphLayoutInput &input);

    bool folds() const { return !m_summaryGroups.empty(); }
    const GraphLayoutInput &displayInput() const { return m_display; }
    // `layout` (of displayInput()) numbered as the input is: a folded group's members get null
    // rects and the group a GraphLayout::Summary.
    GraphLayout unfold(const GraphLayout &layout) const;

private:
    const GraphLayoutInput &m_input;
    GraphLayoutInput m_display;
    std::vector<int> m_shownAs;       // display node -> input node, or -1 - k for summary k
    std::vector<int> m_summaryGroups; // summary k -> input group
    std::vector<int> m_groupOf;       // display group -> input group
};

// Unfolding one group of a drawing in place: `groupLayout` is the layout of the group's members
// alone (subInput(input, members)), put where the group's summary was; what lay below the summary
// moves down, and what lay to the right of it (not wholly above it) moves right, by as much as the
// group is larger, so that nothing else is laid out again and the rest of the picture keeps its
// shape. `input` is the
// drawing's input with the group no longer folded.
GraphLayout withGroupUnfolded(const GraphLayout &shown, const GraphLayoutInput &input, int group,
                              const std::vector<int> &members, const GraphLayout &groupLayout);

// The reverse: the group's box becomes its summary at the box's top-left corner, and what lay
// below it or to the right of it moves back by as much as the box was larger. `input` has the group
// folded.
GraphLayout withGroupFolded(const GraphLayout &shown, const GraphLayoutInput &input, int group);

} // namespace fanout
