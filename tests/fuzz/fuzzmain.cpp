// libFuzzer's entry point for one of tests/fuzz/fuzztargets.cpp's targets, named at compile time
// (FANOUT_FUZZ_TARGET): fuzz_plan, fuzz_terraform_plan, ... See docs/reliability.md.
#include "tests/fuzz/fuzztargets.h"

#include <cstdio>
#include <cstdlib>

namespace {

const fanout::fuzz::FuzzTarget &target()
{
    static const fanout::fuzz::FuzzTarget *found = fanout::fuzz::findFuzzTarget(FANOUT_FUZZ_TARGET);
    if (!found) {
        std::fprintf(stderr, "no fuzz target named %s\n", FANOUT_FUZZ_TARGET);
        std::abort();
    }
    return *found;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    target().run(data, size);
    return 0;
}
