# clawbridge developer and operator commands. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -euo pipefail -c

COMPOSE ?= docker compose
DEPS := node_modules/.package-lock.json
# the services import lib/settings, lib/openai, lib/models and lib/limits compiled, as in their images
LIB := lib/settings/dist/index.js lib/openai/dist/index.js lib/models/dist/index.js lib/limits/dist/index.js

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(DEPS): package.json package-lock.json services/*/package.json lib/*/package.json
	npm ci --no-audit --no-fund

$(LIB) &: $(DEPS) lib/*/src/*.ts lib/*/tsconfig.build.json
	npm run build --workspace lib/settings --workspace lib/openai --workspace lib/models --workspace lib/limits

.PHONY: install
install: $(DEPS) $(LIB) ## Install the pinned dependencies (npm ci)

.PHONY: build
build: $(DEPS) $(LIB) ## Compile the TypeScript services into services/*/dist
	npm run build

.PHONY: lint
lint: $(DEPS) $(LIB) ## Lint all TypeScript (eslint, type-aware) and check the formatting (Prettier)
	npm run lint
	npm run format:check

.PHONY: format
format: $(DEPS) ## Format the code, the JSON and the YAML (Prettier, 120 columns; .prettierignore says what not)
	npm run format

.PHONY: typecheck
typecheck: $(DEPS) $(LIB) ## Type-check services, tests and benchmarks
	npm run typecheck

.PHONY: test-unit
test-unit: $(DEPS) $(LIB) ## Unit and in-process tests (no Docker)
	npm run test:unit

.PHONY: test-containers
test-containers: $(DEPS) $(LIB) ## Container tests: build the images and run them (needs Docker)
	npm run test:containers

.PHONY: test-long
test-long: $(DEPS) $(LIB) ## Tests that wait for a clock: a cron job's catch-up after a spent window, the notices (about 20 min; needs Docker)
	npm run test:containers-long

# `make test` runs the container tests in two processes side by side (vitest runs projects, and a
# project's files, one after the other here): the long project, which mostly waits for a clock, beside
# the others; then the Swarm test alone, since an engine joining or leaving a swarm drops the container
# names of every other compose project on it (seen: EAI_AGAIN for a service's name, for good).
# Each process's output is printed whole when it ends.
.PHONY: test-beside-long
test-beside-long: $(DEPS) $(LIB)
	npx vitest run --project containers --exclude test/containers/swarm.test.ts

.PHONY: test-all-containers
test-all-containers: $(DEPS) $(LIB)
	$(MAKE) --no-print-directory -j2 --output-sync=target test-beside-long test-long
	npx vitest run --project containers test/containers/swarm.test.ts

.PHONY: test
test: lint typecheck test-unit test-all-containers ## Everything: lint, typecheck, unit tests, the container tests and the long ones

.PHONY: docs-settings
docs-settings: $(DEPS) $(LIB) ## Write docs/settings.md from the services' settings modules and the compose files
	npm run docs:settings

.PHONY: bench
bench: $(DEPS) $(LIB) ## Benchmarks: normalizer through vs direct; maxapi first token and memory; bytes and cached prefix per request (needs Docker)
	npm run bench

.PHONY: soak
soak: $(DEPS) $(LIB) ## Soak: the stack against the mock for SOAK_MINUTES (10) with cron jobs and faults; exits 1 on a missed target (needs Docker)
	npm run soak

.PHONY: images
images: ## Build the clawbridge/* images
	$(COMPOSE) build

.PHONY: setup
setup: ## First command on a new machine: .env with random keys, and your setup token (asked for)
	@bin/setup

.PHONY: up
up: ## Start the stack in the background (runs make setup first when there is no .env)
	@[ -f .env ] || bin/setup
	$(COMPOSE) up -d --build

.PHONY: push
push: ## Build the images and push them to a registry: make push REGISTRY=registry.example.com/team
	@[ -n "$(REGISTRY)" ] || { echo "usage: make push REGISTRY=<host>[/<path>]"; exit 2; }
	$(COMPOSE) --profile '*' build
	@for image in $$($(COMPOSE) --profile '*' config --images | grep '^clawbridge/' | sort -u); do \
	  target="$(patsubst %/,%,$(REGISTRY))/$$image"; \
	  docker tag "$$image" "$$target" && docker push "$$target" || exit 1; \
	done

.PHONY: deploy
deploy: ## Deploy compose.swarm.yml to Docker Swarm with .env's settings (REGISTRY=..., PUBLISH=1: see docs/operations.md, "With Docker Swarm")
	REGISTRY="$(REGISTRY)" PUBLISH="$(PUBLISH)" bin/swarm-deploy

.PHONY: down
down: ## Stop the stack (volumes are kept)
	$(COMPOSE) down

.PHONY: config-diff
config-diff: ## Show what config-init would change in openclaw.json (secrets masked), without writing
	$(COMPOSE) run --rm --no-deps config-init --dry-run

.PHONY: login
login: ## Log the Claude CLI in to your subscription, once (for use without CLAUDE_SETUP_TOKEN)
	$(COMPOSE) run --rm --no-deps -it maxapi claude auth login --claudeai

.PHONY: claude-code
claude-code: $(DEPS) $(LIB) ## Check a Claude Code release against maxapi, then use it: make claude-code VERSION=2.1.332 (REPORT=file)
	@node test/cli-contract/claude-code.ts "$(VERSION)" $(if $(REPORT),--report "$(REPORT)")

.PHONY: cli-contract
cli-contract: $(DEPS) $(LIB) ## The CLI contract check alone, on the pinned Claude Code (CLAUDE=<path>: another binary)
	@node test/cli-contract/main.ts $(if $(CLAUDE),--claude "$(CLAUDE)")

.PHONY: verify
verify: $(LIB) ## Check the running stack: containers, config, agents, a chat and an agent turn, keys, cron, channels (VERIFY_LIVE=0: no model requests)
	@COMPOSE="$(COMPOSE)" node services/verify/src/main.ts

.PHONY: logs
logs: ## Follow the stack's logs
	$(COMPOSE) logs -f --tail=100
