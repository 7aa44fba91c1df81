# callwarden — developer entry points. `make help` lists them.
#
# All Python-packaged tools (cargo-lambda, zig, cfn-lint, aws-sam-cli, moto, twilio) live in
# the project venv .venv, DynamoDB Local in .tools/; both are gitignored and installed by
# `make tools` (the targets below install what they need themselves).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
export PATH := $(VENV)/bin:$(PATH)
# Never let SAM CLI phone home.
export SAM_CLI_TELEMETRY := 0

CARGO ?= cargo
LAMBDA_BINS := webhook worker
LAMBDA_DIR := $(or $(CARGO_TARGET_DIR),target)/lambda

# `make dev`: the documented local test secret (the one events/ is signed with) unless you
# set your own (`make dev VAPI_SECRET=...` or export it). Never used outside your machine.
VAPI_SECRET ?= local-test-secret-change-me
DEV_ARGS ?=

# Dummy AWS environment for anything that might build an SDK client locally: no real
# credentials are ever picked up and nothing asks the EC2 metadata service.
DUMMY_AWS_ENV := -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
	AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

.PHONY: help dev test test-rust lint fmt-check clippy cfn-lint sam-validate bench build \
	deploy invoke loadtest loadtest-faults loadtest-aws loadtest-aws-faults tools tools-python tools-aws tools-arm64 local-aws-start local-aws-stop clean-tools

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

# ---------------------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------------------

tools: ## Install everything: .venv (cargo-lambda, zig, cfn-lint, sam, moto, twilio), DynamoDB Local, aarch64 std
	scripts/install-tools.sh all

tools-python:
	@scripts/install-tools.sh python

tools-aws:
	@scripts/install-tools.sh aws

tools-arm64:
	@scripts/install-tools.sh arm64

clean-tools: ## Remove .venv, .tools and .run (stops local servers first)
	-scripts/local-aws.sh stop
	rm -rf .venv .tools .run

# ---------------------------------------------------------------------------------------
# develop
# ---------------------------------------------------------------------------------------

dev: ## Run `callwarden dev` on 127.0.0.1:3000 (in-memory queue/store; VAPI_SECRET=local-test-secret-change-me unless set)
	@echo "make dev: shared secret from VAPI_SECRET ($(if $(filter local-test-secret-change-me,$(VAPI_SECRET)),the documented local test secret,your own))"
	env $(DUMMY_AWS_ENV) VAPI_SECRET='$(VAPI_SECRET)' $(CARGO) run -p callwarden-cli -- dev $(DEV_ARGS)

local-aws-start: ## Start DynamoDB Local + moto on free loopback ports; env in .run/aws.env
	scripts/local-aws.sh start

local-aws-stop: ## Stop the servers `make local-aws-start` started
	scripts/local-aws.sh stop

# ---------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------

test: test-rust cfn-lint ## Everything: cargo test --workspace against DynamoDB Local + moto, and cfn-lint

# The PII corpus lives beside the repository and is read by path, never copied in.
PII_CORPUS ?= ../shared/pii/dev.jsonl
# The load tests run an optimised build (bench profile: release settings without LTO) with a
# fixed seed, as the figures in BENCHMARKS.md were measured; LOADTEST_SEED= for a random one.
LOADTEST_SEED ?= 1
LOADTEST_ARGS ?=
LOADTEST_RUN = $(CARGO) run --profile bench -p callwarden-cli -- loadtest $(if $(LOADTEST_SEED),--seed $(LOADTEST_SEED))

# tools-python provides Twilio's own RequestValidator for the interoperability test.
test-rust: tools-aws tools-python
	scripts/local-aws.sh run -- env CALLWARDEN_REQUIRE_TWILIO_PY=1 $(CARGO) test --workspace --no-fail-fast

loadtest: ## 1,000 simulated calls against the embedded backends; every verdict (docs/loadtest.md)
	env $(DUMMY_AWS_ENV) $(LOADTEST_RUN) --calls 1000 --corpus $(PII_CORPUS) $(LOADTEST_ARGS)

loadtest-faults: ## The same with every fault injected
	env $(DUMMY_AWS_ENV) $(LOADTEST_RUN) --calls 1000 --faults --corpus $(PII_CORPUS) $(LOADTEST_ARGS)

loadtest-aws: tools-aws ## 100 calls over SQS (moto) + DynamoDB Local
	scripts/local-aws.sh run -- $(LOADTEST_RUN) --aws --calls 100 \
		--compress 2 --ramp-secs 60 --max-in-flight 16 --corpus $(PII_CORPUS) $(LOADTEST_ARGS)

loadtest-aws-faults: tools-aws ## 50 calls over moto + DynamoDB Local with throttles/5xx injected by a proxy
	scripts/local-aws.sh run -- $(LOADTEST_RUN) --aws --faults --calls 50 \
		--compress 2 --ramp-secs 30 --max-in-flight 16 --corpus $(PII_CORPUS) $(LOADTEST_ARGS)

lint: fmt-check clippy cfn-lint sam-validate ## fmt --check, clippy -D warnings, cfn-lint, sam validate --lint

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

cfn-lint: tools-python
	cfn-lint template.yaml

sam-validate: tools-python
	env $(DUMMY_AWS_ENV) sam validate --lint --template-file template.yaml --region us-east-1

bench: ## Criterion benches (numbers go in BENCHMARKS.md)
	$(CARGO) bench --workspace

# ---------------------------------------------------------------------------------------
# build and deploy
# ---------------------------------------------------------------------------------------

build: tools-python tools-arm64 ## Release arm64 Lambda builds via cargo-lambda; prints each bootstrap's size
	$(CARGO) lambda build --release --arm64 $(addprefix --bin ,$(LAMBDA_BINS))
	@for bin in $(LAMBDA_BINS); do \
		f="$(LAMBDA_DIR)/$$bin/bootstrap"; \
		if [[ -f "$$f" ]]; then \
			printf '%-8s %s  %s bytes (%s)\n' "$$bin" "$$f" "$$(stat -c %s "$$f")" "$$(du -h "$$f" | cut -f1)"; \
		else echo "missing $$f"; exit 1; fi; \
	done

deploy: tools-python tools-arm64 ## sam build + sam deploy (--guided the first time, when samconfig.toml is missing)
	sam build --beta-features
	@if [[ -f samconfig.toml ]]; then sam deploy; else \
		echo "No samconfig.toml yet: running sam deploy --guided (it saves your answers there)"; \
		sam deploy --guided; fi

invoke: tools-python tools-aws ## Run every event in events/ through the real handlers (cargo lambda watch/invoke)
	scripts/local-aws.sh run -- scripts/invoke-events.sh $(EVENTS)
