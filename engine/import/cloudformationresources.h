#pragma once

#include "engine/import/cloudformationdeclarations.h"
#include "engine/import/cloudformationreport.h"
#include "engine/import/cloudformationscope.h"
#include "engine/import/cloudformationvalues.h"

#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace fanout::cloudformation {

// One resource to import: an entry of Resources, one copy of an expanded loop's fragment, or a
// whole loop that could not be expanded.
struct Entry
{
    QString address;
    QString path;                    // of the definition (or the loop) in the text
    const json *definition = nullptr; // for a loop: the loop's [Identifier, Collection, Fragment]
    Bindings bindings;
    bool loop = false;
    QString loopName;                // "Fn::ForEach::Buckets"
    QStringList logicalIds;          // a loop's logical ids, as written ("S3Bucket${Identifier}")
};

// The resources of a template's Resources section, in the template's order: pass 1 of reading a
// template, before any resource's attributes are read, so that references can tell a resource
// from a parameter whatever the order of the text. Fn::ForEach loops are expanded where the
// template says their values; a loop whose values are known only when deploying is one entry.
class Resources
{
public:
    // Both must outlive this.
    Resources(const Declarations &declarations, Report &report);

    // Reads the Resources section, a mapping.
    void collect(const json &resources);

    const QList<Entry> &entries() const { return m_entries; }
    bool contains(const QString &logicalId) const { return m_index.contains(logicalId); }

    // The address of the loop that was not expanded whose logical ids `name` is one of; empty
    // when there is none.
    QString unexpandedLoopOf(const QString &name) const;

    // Whether `loop` is [Identifier, Collection, {Fragment}]; reports it when not.
    static bool wellFormedLoop(const json &loop, const QString &path, Report &report);

private:
    // The logical ids a loop that was not expanded stands for, as patterns ("S3Bucket.+").
    struct UnexpandedLoop
    {
        QString address;
        QList<QRegularExpression> patterns;
    };

    void collect(const json &fragment, const QString &path, const Bindings &bindings);
    void collectLoop(const QString &key, const json &loop, const QString &path, const Bindings &bindings);
    void addUnexpandedLoop(const QString &key, const json &loop, const QString &path, const Bindings &bindings);
    void loopLogicalIds(const json &fragment, const Bindings &bindings, QStringList &ids);
    static QRegularExpression logicalIdPattern(const QString &logicalId);
    std::optional<QStringList> collectionValues(const json &collection, const Bindings &bindings) const;
    std::optional<QString> resolvedText(const json &value, const Bindings &bindings) const;
    static std::optional<QStringList> listOf(const json &value);
    void add(Entry entry);

    const Declarations &m_declarations;
    Report &m_report;
    QList<Entry> m_entries;
    QHash<QString, int> m_index; // logical id -> m_entries
    QList<UnexpandedLoop> m_loops;
    bool m_tooMany = false;
    qsizetype m_copies = 0; // of loops' fragments
};

} // namespace fanout::cloudformation
