#pragma once

#include "engine/plan/planreader.h"

class QCommandLineParser;

namespace fanout {

class Console;

// The PLAN argument of a command: a plan file, or "demo" for the built-in demo plan. Reads and
// validates it, printing every problem found to `console` (stderr).
class PlanArgument
{
public:
    static QString resolve(const QString &argument);       // "demo" -> ":/plans/demo.json"
    static QString displayName(const QString &argument);   // what messages call it
    static PlanReadResult read(const QString &argument); // the plan, and its problems unsaid
    static PlanReadResult load(const QString &argument, const Console &console); // read(), its problems printed
    static void print(const Diagnostics &diagnostics, const QString &file, const Console &console);

    // --profile NAME (repeatable): the Compose profiles whose services run, as docker compose's own
    // option. Added to COMPOSE_PROFILES, which the Compose importer reads (and docker compose too).
    static void addProfileOption(QCommandLineParser &parser);
    static void applyProfiles(const QCommandLineParser &parser);
};

} // namespace fanout
