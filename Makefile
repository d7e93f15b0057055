# SmartPoint Counter. `make run` and `make test` are the two commands that matter;
# both install what a fresh Debian/Ubuntu machine is missing.
GO        ?= go
BIN       := bin
VERSION   ?= $(shell cat VERSION 2>/dev/null || echo 0.1.0)
COMMIT    := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE      := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
# Same flags everywhere so the build cache holds (Fyne's GL code takes minutes cold).
BUILDFLAGS := -trimpath -tags no_emoji,migrated_fynedo
TESTENV   := CGO_ENABLED=0
TESTTAGS  := -tags ci
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run deps test test-short bench bench-data lint fmt build clean smoke screenshots

run: deps build
	./scripts/run.sh

deps:
	./scripts/deps.sh

build:
	$(GO) build $(BUILDFLAGS) -ldflags "$(LDFLAGS)" -o $(BIN)/spctl ./cmd/spctl
	$(GO) build $(BUILDFLAGS) -ldflags "$(LDFLAGS)" -o $(BIN)/smartpoint ./cmd/smartpoint
	$(GO) build $(BUILDFLAGS) -ldflags "$(LDFLAGS)" -o $(BIN)/smartpoint-cloud ./cmd/smartpoint-cloud

# The real window under Xvfb, driven with xdotool: log in, accept, issue;
# checks the database and saves screenshots to docs/screenshots/.
smoke: deps build
	./scripts/smoke.sh

screenshots: deps build
	SP_SCREENSHOTS=1 ./scripts/smoke.sh

test: deps
	$(TESTENV) $(GO) vet $(TESTTAGS) ./...
	# Under a throwaway PostgreSQL (SP_PG_DSN) for the server store's PostgreSQL suite.
	$(TESTENV) ./scripts/pgtest.sh $(GO) test $(TESTTAGS) -count=1 ./...
	# The Windows code (printer spooler, sound) compiles and its tests build for the Windows target.
	GOOS=windows $(TESTENV) $(GO) vet $(TESTTAGS) ./device/... ./app/... ./cmd/internal/... ./ui/...
	GOOS=windows $(TESTENV) $(GO) test $(TESTTAGS) -c -o /dev/null ./device/printer/

test-short:
	$(TESTENV) $(GO) test $(TESTTAGS) -short ./...

# Benchmarks with baselines; writes BENCHMARKS.md. The first run generates a
# 1,000,000-parcel database (SP_BENCH_PARCELS to change, SP_BENCH_DB for its path).
bench: build
	./scripts/bench.sh

bench-data: build
	./$(BIN)/spctl bench-data --parcels $${SP_BENCH_PARCELS:-1000000} --out $${SP_BENCH_DB:-bench-data/counter-1m.db}

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(TESTENV) $(GO) vet $(TESTTAGS) ./...
	$(TESTENV) $(GO) run $(STATICCHECK) $(TESTTAGS) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) dist

# Packaging: Linux .deb/.tar.xz and Windows exe/NSIS/MSI into dist/, from
# Linux (scripts/dist.sh; docs/INSTALL.md is the installer's guide). Not
# part of `make test`: about 20 minutes with a cold build cache on 2 busy
# cores (Fyne's GL code for Linux and Windows), 2–3 warm (DIST-BENCHMARKS.md).
# SP_SIGN_PKCS12 + SP_SIGN_PASSWORD sign the Windows files (scripts/dist/lib.sh).
DIST := dist
.PHONY: dist dist-check dist-deps dist-bench icons

dist: deps dist-deps
	BUILDFLAGS="$(BUILDFLAGS)" DIST=$(DIST) GO=$(GO) ./scripts/dist.sh

# Builds everything, then checks it (packages, throwaway install, PE
# resources, signatures, size budgets): about 15 s on top of dist.
dist-check: dist
	DIST=$(DIST) GO=$(GO) ./scripts/dist-check.sh

dist-deps:
	./scripts/dist-deps.sh

# Cold and warm `make dist` times and the artifact sizes → DIST-BENCHMARKS.md
# (BENCHMARKS.md includes it). Cold uses an empty temporary GOCACHE.
dist-bench: deps dist-deps
	BUILDFLAGS="$(BUILDFLAGS)" GO=$(GO) ./scripts/dist-bench.sh

# Renders assets/icon/smartpoint.svg to the PNG sizes and the .ico.
icons:
	$(TESTENV) $(GO) run $(TESTTAGS) ./scripts/dist/icons
