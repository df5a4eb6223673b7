#pragma once

#include <QString>
#include <QtGlobal>

#include <vector>

namespace fanout {

// How long one attempt of a resource is expected to take, and where that figure came from. The
// scheduler orders by `ms`; a forecast draws durations from `observedMs` (or, with none, from
// lowMs..highMs) and failures from `failureOdds`. See LearnedEstimates for the order of sources.
struct Estimate
{
    enum class Source : quint8 {
        Definition, // this resource's own past successful attempts with the same definition hash
        Resource,   // past successful attempts of the same resource id (its definition changed)
        Type,       // past successful attempts of resources of the same type (imports: source type)
        Plan,       // the plan's `estimate` field
        Executor,   // the executor's default
    };
    static constexpr int kMaxSamples = 50; // the newest observations kept

    Source source = Source::Executor;
    qint64 ms = 0;     // the expected duration: the median of the observations, else the plan's or executor's figure
    qint64 lowMs = 0;  // the spread: p10 and p90 of the observations; without any, the executor's range
    qint64 highMs = 0; //   (a sim resource's min..max duration), else both equal to `ms`
    int samples = 0;   // how many successful attempts were observed at this source
    std::vector<qint64> observedMs; // their durations, newest first, at most kMaxSamples
    double failureOdds = 0; // share of the observed attempts (same source) that failed; without history, a sim's own odds, else 0
    QString sourceKey;      // what was matched: the type name for Type ("aws_db_instance"), else empty

    // "this definition", "this resource", "type aws_db_instance", "plan estimate", "executor default"
    QString sourceText() const;
    // The source with what it saw: "this definition, 3 runs", "type aws_db_instance, 40 attempts,
    // fails 5%" (one successful attempt a run for a definition or resource, many for a type).
    QString describe() const;
    // "4.6s (4.1s-5.0s)": the expected duration, and the spread when it shows.
    QString figureText() const;
};

} // namespace fanout
