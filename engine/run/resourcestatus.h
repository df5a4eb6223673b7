#pragma once

#include "engine/run/runevent.h"

#include <QList>
#include <QMap>
#include <QString>

namespace fanout {

// One try of one resource, as the run remembers it.
struct AttemptRecord
{
    enum class Outcome : quint8 { Running, Succeeded, Failed, TimedOut, Cancelled };

    int number = 0;
    qint64 readyMs = 0;  // when it started waiting for a slot
    qint64 startMs = 0;
    qint64 endMs = -1;   // -1 while running
    Outcome outcome = Outcome::Running;
    QString error;
};
QString outcomeName(AttemptRecord::Outcome outcome);

// Where one resource is in the run, and how it got there.
struct ResourceStatus
{
    ResourceState state = ResourceState::Pending;
    QList<AttemptRecord> attempts;
    QString reason;        // failed: the error; skipped/cancelled: why; retry-wait: when and why
    int blockedBy = -1;    // skipped: the failed upstream resource
    QMap<QString, QString> outputs; // succeeded: what it produced, for ${resources.ID.outputs.KEY}

    // The reason of a resource that succeeded without an attempt: the state file records it as
    // created from the same definition. Reports and the terminal recognise it by this text.
    static QString upToDateReason() { return QStringLiteral("up to date: provisioned by an earlier run"); }
};

} // namespace fanout
