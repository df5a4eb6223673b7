#!/bin/sh
# Runs the libFuzzer harnesses that `make fuzz` built, each for FUZZ_SECONDS (default 60), on its
# seeds (tests/fuzz/seeds/<name>, the real files of tests/corpus and ../shared/corpus, the test
# fixtures), its regressions (tests/fuzz/regressions/<name>) and the corpus earlier runs grew
# (BUILD/fuzz/corpus/<name>, kept). Prints the executions and coverage each reached; exits 1 when
# any harness found a fault, naming the input that shows it.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR [NAME...]      (default: every harness)
#   FUZZ_SECONDS=1800 FUZZ_JOBS=2 tests/fuzz/run-fuzzers.sh build-asan plan state
#
# FUZZ_TIMEOUT (default 10) is how many seconds one input may take before it counts as a fault. It
# is wall-clock time: on a machine busy with other work (a build beside a long run), raise it, or a
# harness that merely waited for a core reports a timeout.
set -eu

build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
if [ $# -eq 0 ]; then
    # shellcheck disable=SC2046 # the list is meant to split into words
    set -- $(awk '/^set\(FANOUT_FUZZ_TARGETS/ { on = 1; next } on { if (/\)/) on = 0; sub(/\).*/, ""); print }' "$here/fuzztargets.cmake")
fi
work="$build/fuzz"
mkdir -p "$work/logs"

# The real files a harness starts from, beside its own seeds.
corpus_files() {
    corpora="$root/tests/corpus"
    [ -d "$root/../shared/corpus" ] && corpora="$corpora $root/../shared/corpus"
    case "$1" in
        plan) find "$root/resources/plans" "$root/tests/fixtures/plans" -name '*.json' ;;
        terraform_plan) find $corpora "$root/tests/fixtures/import" -path '*terraform-*' -name '*.json' ;;
        terraform_dot) find $corpora "$root/tests/fixtures/import" -name '*.dot' ;;
        cloudformation_json) find $corpora -path '*cloudformation*' -name '*.json' ;;
        cloudformation_yaml) find $corpora -path '*cloudformation*' \( -name '*.yaml' -o -name '*.yml' \) ;;
        compose) find $corpora -path '*compose*' \( -name '*.yaml' -o -name '*.yml' \) ;;
        detect|textdecoder) find $corpora "$root/resources/plans" -type f \( -name '*.json' -o -name '*.y*ml' -o -name '*.dot' \) ;;
        *) ;;
    esac
}

dictionary() {
    case "$1" in
        terraform_dot) echo "$here/dict/dot.dict" ;;
        cloudformation_yaml|compose) echo "$here/dict/yaml.dict" ;;
        references) echo "$here/dict/references.dict" ;;
        duration) echo "$here/dict/duration.dict" ;;
        *) echo "$here/dict/json.dict" ;;
    esac
}

fuzz_one() {
    name=$1
    binary="$build/tests/fuzz/fuzz_$name"
    [ -x "$binary" ] || { echo "error: $binary is not built (make fuzz builds it)" >&2; return 1; }
    corpus="$work/corpus/$name"
    seeds="$work/seeds/$name"
    crashes="$work/crashes/$name"
    rm -rf "$seeds"
    mkdir -p "$corpus" "$seeds" "$crashes"
    for file in $(corpus_files "$name"); do
        cp "$file" "$seeds/$(echo "$file" | sed "s|$root/||; s|^\.\./||; s|/|_|g")"
    done
    [ -d "$here/seeds/$name" ] && cp "$here/seeds/$name"/* "$seeds/" 2>/dev/null || true
    [ -d "$here/regressions/$name" ] && cp "$here/regressions/$name"/* "$seeds/" 2>/dev/null || true
    log="$work/logs/$name.log"
    status=0
    started=$(date +%s)
    "$binary" -max_total_time="$seconds" -max_len=65536 -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=4096 \
        -dict="$(dictionary "$name")" -artifact_prefix="$crashes/" -print_final_stats=1 \
        "$corpus" "$seeds" >"$log" 2>&1 || status=$?
    took=$(($(date +%s) - started))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    features=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    size=$(find "$corpus" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        result=ok
    else
        result="FAULT (exit $status): $(ls -t "$crashes" 2>/dev/null | head -n 1 | sed "s|^|$crashes/|"), see $log"
    fi
    printf '%-20s %8ss %12s execs %7s edges %8s features %6s inputs  %s\n' \
        "$name" "$took" "${execs:-?}" "${cov:-?}" "${features:-?}" "$size" "$result"
    [ "$status" -eq 0 ]
}

if [ "${FUZZ_ONE:-}" = 1 ]; then
    fuzz_one "$1"
    exit
fi
echo "Fuzzing $# harnesses for ${seconds}s each, $jobs at a time; logs in $work/logs"
printf '%-20s %9s %12s       %7s       %8s          %6s\n' harness time executions edges features inputs
# One harness per process, FUZZ_JOBS at once; xargs exits non-zero when any of them did.
if ! printf '%s\n' "$@" | FUZZ_ONE=1 xargs -P "$jobs" -n 1 "$0" "$build"; then
    echo "A harness found a fault. Fix it, then copy the input to tests/fuzz/regressions/NAME/ so that" >&2
    echo "tst_fuzzregressions replays it from now on." >&2
    exit 1
fi
