# Smart Dairy ERP. `make run` and `make test` work on a fresh Debian 12 machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
DATA_DIR   ?= var
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
CTEST      := ctest --output-on-failure --no-tests=error

.PHONY: all deps web build build-asan run test test-release test-asan fmt fmt-check lint bench clean

all: build

deps:
	@scripts/install-deps

# The web UI (web/ -> web/dist), embedded into the binary by the C++ build. Rebuilt only when
# a source, the lockfile or the build config changed; `npm ci` only when the lockfile did.
WEB_SRCS  = $(shell find web/src web/public web/index.html web/package.json web/package-lock.json \
              web/tsconfig.json web/vite.config.ts -type f 2>/dev/null)
WEB_STAMP = web/dist/.built

web: deps
	@$(MAKE) --no-print-directory -s $(WEB_STAMP)

$(WEB_STAMP): $(WEB_SRCS)
	@cd web && if [ ! -f node_modules/.package-lock.json ] || \
	  [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi
	@cd web && npm run --silent build
	@touch $@

build: web
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: web
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	@echo "Serving on http://$${SMARTDAIRY_LISTEN:-127.0.0.1:8080} with data in $(DATA_DIR)/ (first start prints the admin password)"
	@$(BUILD)/smartdairy seed --demo --data-dir $(DATA_DIR)
	@$(BUILD)/smartdairy serve --listen $${SMARTDAIRY_LISTEN:-127.0.0.1:8080} --data-dir $(DATA_DIR)

# Everything CI checks: formatting, the Release build's unit, integration and browser (e2e)
# tests, and the unit and integration tests again under AddressSanitizer + UBSan.
test: fmt-check test-release lint test-asan
	@echo "make test: all suites passed"

test-release: build
	@cd $(BUILD) && $(CTEST) -j 1

test-asan: build-asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(CTEST) -L 'unit|integration' -j 1

FORMAT_FILES = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null)

fmt:
	@clang-format -i $(FORMAT_FILES)

fmt-check: deps
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "clang-format: clean"

# clang-tidy (.clang-tidy) over our sources, using the Release build's compile commands.
TIDY_FILES = $(shell git ls-files 'src/*.cpp' 2>/dev/null | grep -v /tests/)

lint: build
	@printf '%s\n' $(TIDY_FILES) | xargs -P $(JOBS) -n 4 clang-tidy -p $(BUILD) --quiet \
	  --extra-arg=-Wno-unknown-warning-option > $(BUILD)/clang-tidy.log 2>&1; rc=$$?; \
	  grep -v 'warnings generated' $(BUILD)/clang-tidy.log; \
	  if [ $$rc -ne 0 ]; then echo "clang-tidy: findings above"; exit 1; fi; echo "clang-tidy: clean"

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) web/dist
