#pragma once

#include <QString>

#include <string>

namespace fanout::terraform {

// Where a value is in the document: a chain of steps from a path built already. Paths are built
// only when a problem is reported, since a large plan has hundreds of thousands of values and,
// usually, no problem. A Where refers to its parent: keep it no longer than the parent.
// The steps are defined here, as they are taken for every value read and cost next to nothing.
class Where
{
public:
    explicit Where(const QString &start)
        : m_base(&start)
    {
    }

    Where operator/(const char *member) const
    {
        Where step(this);
        step.m_member = member;
        return step;
    }
    Where operator/(const std::string &key) const
    {
        Where step(this);
        step.m_key = &key;
        return step;
    }
    Where operator[](std::size_t index) const
    {
        Where step(this);
        step.m_index = qsizetype(index);
        return step;
    }

    QString path() const;

private:
    explicit Where(const Where *parent)
        : m_parent(parent)
    {
    }

    const Where *m_parent = nullptr;
    const QString *m_base = nullptr;
    const char *m_member = nullptr;
    const std::string *m_key = nullptr;
    qsizetype m_index = -1;
};

} // namespace fanout::terraform
