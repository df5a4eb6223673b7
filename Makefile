# A thin wrapper around CMake for the two everyday commands (see README.md):
#   make run    install what is missing, build (Release) and open the dashboard on the demo plan
#   make test   install what is missing, build and run every test through ctest
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

.PHONY: all deps configure build run test bench package clean

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

clean:
	rm -rf $(BUILD_DIR)
