# Entry points for people and CI. Every target installs what it needs by itself (project-local Node.js,
# npm dependencies, the pinned Fabric toolchain), so a fresh clone needs nothing but `make devnet` / `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := $(shell ./scripts/node.sh)
export PATH := $(NODE_BIN):$(PATH)
# fabric-gateway pulls in ESM-only @noble/curves; jest loads it only with vm modules.
export NODE_OPTIONS := --experimental-vm-modules --no-warnings=ExperimentalWarning
export EMR_TOOLS_DIR := $(shell ./scripts/tools.sh --print-dir)

.PHONY: help setup tools build lint test test-unit test-integration devnet devnet-down devnet-status bench clean
.PHONY: cluster-up cluster-down cluster-status images
.PHONY: synth charts kind-up kind-down

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json */package.json
	@echo "[setup] npm ci (Node.js $$(node --version))"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: node_modules/.package-lock.json ## Install project-local Node.js and npm dependencies

tools: ## Build the pinned Fabric, Fabric CA, etcd, Kubernetes, CoreDNS and helm binaries (cached outside the repo)
	@./scripts/tools.sh

build: setup ## Compile all workspaces
	@npx tsc -b tsconfig.build.json

lint: build ## ESLint + Prettier
	@npm run --silent typecheck && npx eslint . && npx prettier --check . >/dev/null && echo "[lint] clean"

devnet: build tools ## Bring up the local multi-org Fabric network (idempotent)
	@node network/dist/devnet/cli.js up

devnet-down: build ## Stop the local network and delete its state
	@node network/dist/devnet/cli.js down

devnet-status: build ## Show what runs
	@node network/dist/devnet/cli.js status

test-unit: build ## Unit tests (no network)
	@npx jest --selectProjects unit

test-integration: build tools ## Integration tests against real Fabric nodes
	@npx jest --selectProjects integration --runInBand

test: build tools ## Lint, unit and integration tests; ends with "N passed, N failed"
	@./scripts/test.sh

bench: build tools ## Benchmarks on a devnet of their own (ports from 26000; BENCH=chaincode|onboarding picks); JSON in .bench/
	@node bench/dist/main.js

cluster-up: build tools ## Real one-node Kubernetes without Docker (root; state in .cluster/; idempotent)
	@./cluster/scripts/packages.sh
	@node cluster/dist/cli.js up

cluster-down: build ## Stop the cluster, undo its host changes, delete .cluster/
	@node cluster/dist/cli.js down

cluster-status: build ## Cluster components, node, pods and memory
	@node cluster/dist/cli.js status

images: build tools ## Build the images without a container engine; import them into the running cluster
	@./cluster/scripts/packages.sh
	@node cluster/dist/cli.js images

synth: build ## Write the example two-provider network's Kubernetes manifests to cdk8s/dist/manifests/
	@node cdk8s/dist/synth.js

charts: build ## Regenerate the charts' templates (CRDs, bootstrap network) from the cdk8s constructs
	@node cdk8s/dist/charts/sync.js

kind-up: ## With Docker + kind: a kind cluster running the network, installed with the Helm charts
	@./cdk8s/scripts/kind.sh preflight up
	@$(MAKE) --no-print-directory build tools
	@./cdk8s/scripts/kind.sh up

kind-down: ## Delete the kind cluster
	@./cdk8s/scripts/kind.sh down

.PHONY: operator
operator: build ## Run the operator with your KUBECONFIG (EMR_OPERATOR_RUNTIME=devnet: workloads on the local devnet)
	@EMR_OPERATOR_LEADER_ELECTION=$${EMR_OPERATOR_LEADER_ELECTION:-false} node operator/dist/main.js

clean: ## Remove build outputs
	@rm -rf */dist */*.tsbuildinfo bench/baseline-chaincode/dist bench/baseline-chaincode/*.tsbuildinfo
