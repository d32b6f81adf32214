# Lambda Guardrail: the commands a developer and CI run. `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MVN := mvn -B -q
# A JDK >= 21 for Maven and java (tools/java-home says where it looked when there is none).
JAVA_HOME := $(shell tools/java-home)
ifeq ($(JAVA_HOME),)
$(error no JDK >= 21: see tools/java-home's message above)
endif
export JAVA_HOME
MOTO_PORT ?= 5000
export MOTO_PORT
export SAM_CLI_TELEMETRY := 0

.PHONY: test java-tests template-checks build venv bench demo org-demo sam-local-test cold-start package-check clean

## test: every test: engine, CLI, functions (against moto server on 127.0.0.1), the template, and both demos
## (the packaged CLI jar running the functions end to end)
test: java-tests template-checks demo org-demo

java-tests: venv
	tools/scp-oracle-install
	tools/moto-start
	trap 'tools/moto-stop' EXIT; $(MVN) install -Dmoto.endpoint=http://127.0.0.1:$(MOTO_PORT)

## template-checks: the real tools on template.yaml: cfn-lint, sam validate --lint, checkov, sam build (each
## function's artifact: one jar with its handler, every class it refers to in it), and our own pre-deploy check
## (./guardrail check); cfn-lint and checkov on the member templates in org/
template-checks: venv
	tools/venv scan
	.venv/bin/cfn-lint template.yaml
	.venv/bin/sam validate --lint --region us-east-1
	BC_SKIP_MAPPING=TRUE .venv-scan/bin/checkov --file template.yaml --framework cloudformation --quiet --compact --skip-download
	.venv/bin/sam build
	.venv/bin/python tools/sam_build_check.py
	tools/jar-closure .aws-sam/build/*/lib/*.jar
	./guardrail check template.yaml
	.venv/bin/cfn-lint org/*.yaml
	BC_SKIP_MAPPING=TRUE .venv-scan/bin/checkov --file org/member-roles.yaml --file org/member-forwarder.yaml --framework cloudformation --quiet --compact --skip-download

## build: compile and package every module without running tests
build:
	$(MVN) install -DskipTests

## venv: the pinned Python test tools in .venv
venv:
	tools/venv

## bench: the JMH engine benchmark (one core)
bench:
	$(MVN) -pl benchmarks -am package -DskipTests
	"$(JAVA_HOME)/bin/java" -jar benchmarks/target/benchmarks.jar -f 1 -wi 3 -i 5 -t 1

## demo: both guards end to end on moto with ./guardrail invoke: the alert, the policy and the quarantine
demo: venv
	tools/demo

## org-demo: organisation mode end to end on moto, three accounts and two regions: StackSets deploy the member
## templates, a member's public grant is forwarded to the central bus, evaluated, queued and rolled back there only
org-demo: venv
	tools/org-demo

## sam-local-test: both guards in `sam local invoke` (Docker; installs and starts it, as root) against moto,
## from sam build's artifacts: packaging and wiring. Not part of make test (Docker, minutes)
sam-local-test: venv
	tools/sam-local-test

## cold-start: init, first event and process time of each guard in fresh JVMs, against moto
cold-start: venv
	tools/cold-start

## package-check: each function's deployment package (as sam deploy zips it) at most 10 MB, and its
## jar run against moto on every path that loads classes (rollbacks, the Security Hub exporter, the sweep, missing table/topic, connection errors, the
## organisation evaluator, remediator and sweep): no missing class
package-check: venv
	tools/package-check

clean:
	$(MVN) clean
	rm -rf .aws-sam target-tools
