# PrivAgg: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: all deps demo test build bench bench-peers clean

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

clean:
	rm -rf .build Benchmarks/.build
