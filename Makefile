# govchain developer commands. README.md names the two that matter:
#   make run    a single-validator development chain (needs only Go)
#   make test   lint + every test + a short run of every fuzz target
# CI runs exactly `make test` (.ci/run).

GO          ?= go
BIN         := bin/govchain
DEV_HOME    ?= .govchain-dev
DEV_CHAIN   ?= govchain-dev

# Pinned tools, fetched by the go command itself (no other installer).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Build information for `govchain version`.
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
COMETBFT    ?= $(shell $(GO) list -m -f '{{.Version}}' github.com/cometbft/cometbft 2>/dev/null)
LDFLAGS     := -X main.buildVersion=$(VERSION) -X main.buildCommit=$(COMMIT) -X main.buildCometBFT=$(COMETBFT)

# Test budgets: the whole of `make test` must stay well under 15 minutes on
# 2 cores.
TEST_TIMEOUT ?= 12m
# Short fuzz runs are counts of executions (scripts/fuzz.sh has the table;
# FUZZTIME=Nx runs every target N times); make fuzz runs each target for
# FUZZTIME_LONG.
FUZZTIME     ?=
FUZZTIME_LONG ?= 5m


.PHONY: all build web-wasm test-deps chromium run test lint vet fmt-check staticcheck unit docs fuzz-short fuzz bench bench-state bench-proofs bench-app bench-sharing bench-e2e bench-import e2e testnet testnet-stop testnet-clean clean

all: build

build: web-wasm
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/govchain

# The web page's verifier: package verify compiled to WebAssembly
# (web/wasm), gzip-compressed into web/dist/ with the Go runtime's
# wasm_exec.js, where package web embeds them (web/dist/README.md). An
# unchanged verifier is not compressed again (about 50 s cold, a few
# seconds warm); the raw build stays in bin/verifier.wasm. go vet ./...
# skips web/wasm (it builds for js/wasm only), so it is vetted here.
WEB_DIST := web/dist
web-wasm:
	@mkdir -p bin
	GOOS=js GOARCH=wasm $(GO) vet ./web/wasm/
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o bin/verifier.wasm ./web/wasm
	@gzip -dc $(WEB_DIST)/verifier.wasm.gz 2>/dev/null | cmp -s - bin/verifier.wasm || { \
		gzip -9 -n -c bin/verifier.wasm > $(WEB_DIST)/verifier.wasm.gz.new && \
		mv $(WEB_DIST)/verifier.wasm.gz.new $(WEB_DIST)/verifier.wasm.gz; }
	@cmp -s "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(WEB_DIST)/wasm_exec.js || \
		cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(WEB_DIST)/wasm_exec.js
	@echo "web/dist: verifier.wasm.gz $$(wc -c < $(WEB_DIST)/verifier.wasm.gz) bytes ($$(wc -c < bin/verifier.wasm) raw)"

# The Debian packages the tests run besides Go: headless Chromium for
# web/'s browser tests, curl and jq, which docs/api.md's sessions use,
# and SoftHSM2, the PKCS#11 token client/'s hardware-key tests sign with. Each is installed with apt-get when it is missing and we are root.
# Where one cannot be, this says so and the tests that need it fail with
# the same advice (they never skip). `make chromium` is the same target.
TEST_PACKAGES ?= chromium:/usr/bin/chromium curl:/usr/bin/curl jq:/usr/bin/jq softhsm2:/usr/bin/softhsm2-util
CHROMIUM ?= /usr/bin/chromium
test-deps chromium:
	@for pp in $(TEST_PACKAGES); do \
		pkg=$${pp%%:*}; bin=$${pp#*:}; \
		if [ -x $$bin ]; then continue; fi; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing $$pkg for the tests (apt-get install -y $$pkg)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkg >/dev/null || \
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkg >/dev/null; } || \
			echo "apt-get could not install $$pkg: the tests that use $$bin will fail"; \
		else \
			echo "$$pkg is missing and cannot be installed here (apt-get needs root): the tests that use $$bin will fail; install it with: sudo apt-get install $$pkg"; \
		fi; \
	done

# Initialise the development home once, then run the node in the
# foreground (Ctrl-C stops it cleanly). `make clean` or `rm -rf
# $(DEV_HOME)` starts a fresh chain.
run: build
	@if [ ! -d $(DEV_HOME) ]; then \
		./$(BIN) init --dev --home $(DEV_HOME) --chain-id $(DEV_CHAIN) --moniker dev; \
	fi
	./$(BIN) start --home $(DEV_HOME)

test: lint unit fuzz-short

lint: fmt-check vet staticcheck

# Every Go file git would track (committed or new, not ignored) that exists.
fmt-check:
	@files=$$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null | while read -r f; do [ -f "$$f" ] && echo "$$f"; done); \
	[ -n "$$files" ] || files=$$(find . -name '*.go' -not -path './.git/*'); \
	out=$$(gofmt -l $$files) || exit 1; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The faultinject build (crash points and a byzantine proposer, for the
# fault scenarios in testnet/) is linted and unit-tested too.
vet:
	$(GO) vet ./...
	$(GO) vet -tags faultinject ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags faultinject ./abci/ ./datasvc/

unit: web-wasm test-deps
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -count=1 -tags faultinject ./abci/

# The command sessions of README.md and docs/*.md, each page against a
# development chain of its own (also part of unit). `go test ./docs
# -update` records their real output into the pages instead.
docs:
	$(GO) test -count=1 ./docs/

# Every Fuzz target in the tree, briefly (fuzz-short: at least 10,000
# executions each, about a minute in all once built) or for longer (fuzz).
fuzz-short:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

fuzz:
	FUZZTIME=$(FUZZTIME_LONG) GO=$(GO) ./scripts/fuzz.sh

# Benchmarks at 1,000,000 keys / parcels (GOVCHAIN_BENCH_KEYS and
# GOVCHAIN_BENCH_PARCELS make them smaller). Not part of `make test`: the
# iavl engine alone needs about ten minutes to fill a million keys.
bench: bench-state bench-proofs bench-app bench-sharing

bench-state:
	$(GO) test -run '^$$' -bench '^BenchmarkLoad$$' -benchtime 1x -timeout 60m ./state/store/

# Proofs per second, proof bytes and verifications per second at 1,000,000
# and 10,000,000 keys (GOVCHAIN_BENCH_PROOF_KEYS=n,m sets the sizes).
bench-proofs:
	$(GO) test -run '^$$' -bench '^BenchmarkProofs$$' -benchtime 1x -timeout 90m ./state/store/

bench-app:
	$(GO) test -run '^$$' -bench '^BenchmarkLandBlocks/memiavl$$' -benchtime 20x -timeout 60m ./app/
	$(GO) test -run '^$$' -bench '^BenchmarkMixedBlocks$$' -benchtime 20x -timeout 60m ./app/
	$(GO) test -run '^$$' -bench '^BenchmarkSharingBlocks$$' -benchtime 20x -timeout 60m ./app/
	$(GO) test -run '^$$' -bench '^BenchmarkBenefitsBlocks/memiavl$$' -benchtime 1x -timeout 120m ./app/

# HPKE seal and open of a typical record for both suites, and a data
# service's deliveries per second end to end against a development node
# (GOVCHAIN_BENCH_INFLIGHT payload requests at once, 16 by default).
bench-sharing:
	$(GO) test -run '^$$' -bench '^Benchmark(Seal|Open)$$' -benchtime 3s ./seal/
	$(GO) test -run '^$$' -bench '^BenchmarkDataServiceDelivery$$' -benchtime 400x -timeout 20m ./datasvc/

# Path A of docs/import.md: a parcels dump of 7,400,000 rows
# (GOVCHAIN_BENCH_IMPORT_PARCELS makes it smaller) into a fresh state on
# each engine; rows per second, peak resident memory, the state on disk.
bench-import:
	$(GO) test -run '^$$' -bench '^BenchmarkPathA$$' -benchtime 1x -timeout 120m ./legacy/

# End-to-end throughput and latency of a 4-validator network on this
# machine, govchain beside CometBFT's kvstore on the same setup, at rising
# concurrency (testnet/bench_e2e_test.go; about 8 minutes). Run it alone:
# it measures the whole machine. Prints a Markdown table for docs/measurements.md.
bench-e2e:
	$(GO) test -run '^$$' -bench '^BenchmarkE2E$$' -benchtime 1x -timeout 30m ./testnet/

# The end-to-end tests alone, verbose: the land sale and kill -9 under load
# against the real binary (testnet/), the fault scenarios in their long
# versions (GOVCHAIN_E2E_FULL=1; `make test` runs the short ones), the
# in-process CLI test, and every single-byte mutation of the verifier's
# certificates (about a million; `make test` runs a fifth of them).
e2e:
	GOVCHAIN_E2E_FULL=1 $(GO) test -count=1 -timeout 60m -v ./testnet/
	$(GO) test -count=1 -run 'TestEndToEnd' -v ./cmd/govchain/
	GOVCHAIN_E2E_FULL=1 $(GO) test -count=1 -run 'TestEverySingleByteMutation' -v ./verify/

# A 4-ministry network plus one full node on 127.0.0.1-127.0.0.5 (RPC
# port 26657, P2P 26656), in the background: initialised once in
# $(TESTNET_DIR), logs in $(TESTNET_DIR)/nodeK/node.log. testnet-stop stops
# it and keeps the data; testnet-clean removes it.
TESTNET_DIR ?= .testnet

testnet: build
	./scripts/testnet.sh start $(TESTNET_DIR) ./$(BIN)

testnet-stop:
	./scripts/testnet.sh stop $(TESTNET_DIR)

testnet-clean: testnet-stop
	rm -rf $(TESTNET_DIR)

clean:
	rm -rf bin $(DEV_HOME)

# Path B of a legacy import on a one-validator development chain
# (cmd/govchain BenchmarkPathB): govchain import send of
# GOVCHAIN_BENCH_IMPORT_SEND_PARCELS rows (200,000 by default). Prints
# rows per second committed and the blocks it took.
bench-import-send:
	$(GO) test -run '^$$' -bench '^BenchmarkPathB$$' -benchtime 1x -timeout 60m ./cmd/govchain/

# Path B of a legacy import on a 4-validator network on this machine
# (testnet BenchmarkPathBTestnet): govchain import send of
# GOVCHAIN_BENCH_IMPORT_TESTNET_PARCELS rows (100,000 by default) to one
# node, every validator's app.toml [load] set from
# GOVCHAIN_BENCH_IMPORT_TESTNET_LOAD. Run it alone: it measures the whole
# machine. Prints rows per second committed and the blocks it took.
bench-import-testnet:
	$(GO) test -run '^$$' -bench '^BenchmarkPathBTestnet$$' -benchtime 1x -timeout 60m ./testnet/
