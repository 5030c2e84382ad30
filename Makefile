# PrivAgg: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: all deps demo test build bench bench-peers fuzz-build fuzz fuzz-smoke fuzz-seeds sanitize clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

demo: deps
	$(SWIFT) run -c release privagg demo

test: deps
	$(SWIFT) test

# Swift benchmarks (ordo-one/benchmark), then the same-run ratio table against raw libsodium/GMP.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress
	cd Benchmarks && $(SWIFT) run -c release RawRatios

# The Python peers (dp_accounting, phe, OpenDP, Flower), timed in the same run as PrivAgg.
bench-peers: deps
	./Benchmarks/peers/run-all.sh

# libFuzzer targets for every decoder (Fuzz/, its own package). lld links them: the default
# gold linker fails on sanitizer objects with this toolchain.
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_BUILD_FLAGS = -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

fuzz-build: deps
	cd Fuzz && $(SWIFT) build $(FUZZ_BUILD_FLAGS)

# Each target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=60).
fuzz: fuzz-build
	./scripts/fuzz.sh $(FUZZ_SECONDS)

# The short run CI does: each target for FUZZ_SMOKE_SECONDS.
fuzz-smoke: fuzz-build
	./scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

# Rewrites the committed seed corpus (Fuzz/Corpus) from the public API.
fuzz-seeds: fuzz-build
	rm -rf Fuzz/Corpus && Fuzz/.build/release/privagg-fuzz seeds Fuzz/Corpus

# The test suite under AddressSanitizer (leaks included, minus the toolchain's own and the
# false positives listed in scripts/lsan-suppressions.txt), then ThreadSanitizer (separate
# build folders).
sanitize: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt $(SWIFT) test --sanitize=address --scratch-path .build-asan
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan

clean:
	rm -rf .build .build-asan .build-tsan .build-interop Benchmarks/.build Fuzz/.build
