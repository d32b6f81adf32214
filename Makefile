# Lambda Guardrail: the commands a developer and CI run. `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MVN := mvn -B -q
MOTO_PORT ?= 5000
export MOTO_PORT
export AWS_EMF_ENVIRONMENT := Local
export SAM_CLI_TELEMETRY := 0

.PHONY: test build venv bench clean

## test: every test: engine, CLI and functions (against moto server on 127.0.0.1)
test: venv
	tools/moto-start
	trap 'tools/moto-stop' EXIT; $(MVN) install -Dmoto.endpoint=http://127.0.0.1:$(MOTO_PORT)

## build: compile and package every module without running tests
build:
	$(MVN) install -DskipTests

## venv: the pinned Python test tools in .venv
venv:
	tools/venv

## bench: the JMH engine benchmark (one core)
bench:
	$(MVN) -pl benchmarks -am package -DskipTests
	java -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -i 5 -t 1

clean:
	$(MVN) clean
	rm -rf .aws-sam target-tools
