#include "engine/import/terraformwhere.h"

#include "engine/support/jsonlocator.h"

namespace fanout::terraform {

QString Where::path() const
{
    const QString base = m_parent ? m_parent->path() : *m_base;
    if (m_member)
        return jsonMemberPath(base, QString::fromLatin1(m_member));
    if (m_key)
        return jsonMemberPath(base, QString::fromStdString(*m_key));
    if (m_index >= 0)
        return jsonIndexPath(base, m_index);
    return base;
}

} // namespace fanout::terraform
