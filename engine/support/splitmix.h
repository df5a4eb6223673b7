#pragma once

#include <QtGlobal>

namespace fanout {

// SplitMix64's finaliser: every bit of the input reaches every bit of the output, so that related
// seeds (the same run, neighbouring attempts or samples) give unrelated streams. The sim executor
// and the forecast draw their random numbers from it.
inline quint64 splitMix64(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace fanout
