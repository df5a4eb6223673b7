# A thin wrapper around CMake for the two everyday commands (see README.md):
#   make run    install what is missing, build (Release) and open the dashboard on the demo plan
#   make test   install what is missing, build and run every test through ctest
#   make test-asan, make test-tsan, make fuzz: the sanitizer and fuzzing builds (docs/reliability.md)
# Everything else is plain CMake; these variables pass through:
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CMAKE_FLAGS ?=
# In CI a new warning in our code fails the build; locally it stays a warning.
ifeq ($(CI),true)
CMAKE_FLAGS += -DFANOUT_WERROR=ON
endif

FANOUT := $(BUILD_DIR)/app/fanout

.PHONY: all deps configure build run test bench package clean deps-checks configure-asan test-asan test-tsan fuzz

all: build

deps:
	@./packaging/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Opens the dashboard on the built-in demo plan (`fanout run demo` runs it headless).
run: build
	$(FANOUT) gui demo

test: build
	cd $(BUILD_DIR) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j$(JOBS)

bench: build
	@for b in $(BUILD_DIR)/tests/bench/bench_*; do echo "== $$b"; $$b || exit 1; done

# A .deb and a .tar.gz in $(BUILD_DIR)/ (packaging/CMakeLists.txt).
package: build
	cd $(BUILD_DIR) && cpack

# Sanitizer and fuzzing builds, each in a folder of its own: clang, Debug (line tables only: enough
# for the reports' stacks, and much quicker to build), so that every Q_ASSERT of the engine is live
# there. ASan's build is at -O0, which compiles in half the time of -O1 (CI builds it); TSan's at
# -O1, without which its runs are too slow. Reports halt the program; the suppressions files name Qt's
# and the system's code only, never Fanout's (tests/sanitizers/).
ASAN_BUILD_DIR ?= build-asan
TSAN_BUILD_DIR ?= build-tsan
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?=
SANITIZER_CMAKE_FLAGS = -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
SANITIZERS := $(CURDIR)/tests/sanitizers
SANITIZER_ENV = ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer \
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1 \
	LSAN_OPTIONS=suppressions=$(SANITIZERS)/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(SANITIZERS)/ubsan.supp \
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$(SANITIZERS)/tsan.supp

deps-checks:
	@./packaging/install-deps.sh --checks

configure-asan: deps-checks
	cmake -S . -B $(ASAN_BUILD_DIR) $(SANITIZER_CMAKE_FLAGS) -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only -O0" -DFANOUT_SANITIZE=address,undefined -DFANOUT_FUZZ=ON

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: configure-asan
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	@cd $(ASAN_BUILD_DIR) && $(SANITIZER_ENV) QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j$(JOBS)

# Every reader's fuzzer, FUZZ_SECONDS each (FUZZ_TARGETS="plan state" for some), in the ASan build.
fuzz: configure-asan
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS) --target fuzzers
	@$(SANITIZER_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run-fuzzers.sh $(ASAN_BUILD_DIR) $(FUZZ_TARGETS)

# The engine, executor and model tests (ctest label tsan) under ThreadSanitizer.
test-tsan: deps-checks
	cmake -S . -B $(TSAN_BUILD_DIR) $(SANITIZER_CMAKE_FLAGS) -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only -O1" -DFANOUT_SANITIZE=thread
	cmake --build $(TSAN_BUILD_DIR) -j$(JOBS) --target tsan_tests
	@cd $(TSAN_BUILD_DIR) && $(SANITIZER_ENV) QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j$(JOBS) -L tsan

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(TSAN_BUILD_DIR)
