#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fanout::fuzz {

// One reader of outside input, as a fuzzer drives it: the bytes of one input, read the way Fanout
// reads a file of that kind. Each is what tests/fuzz/fuzz_<name> runs under libFuzzer and what
// tst_fuzzregressions replays in the ordinary suite.
struct FuzzTarget
{
    const char *name;        // "plan", "terraform_plan", ...: fuzz_<name>, seeds/<name>, regressions/<name>
    const char *description; // for people: what it reads
    void (*run)(const std::uint8_t *data, std::size_t size);
};

const std::vector<FuzzTarget> &fuzzTargets();
const FuzzTarget *findFuzzTarget(const char *name);

} // namespace fanout::fuzz
