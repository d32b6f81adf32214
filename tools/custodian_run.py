#!/usr/bin/env python3
"""Runs Cloud Custodian's Lambda entry point on CloudTrail AddPermission events in ONE process and
times it, as tools/cold-start times the permission guard: the comparison point of our cold start.

The policy is the one most users would deploy instead of the guard: resource lambda, cloudtrail
mode on AddPermission20150331v2, filter cross-account, actions remove-statements (the matched
statements) and notify over SNS (the alert; c7n's sns transport, no c7n-mailer needed).

It runs c7n the way its Lambda does (c7n/mu.py PolicyLambda.get_archive): the function's cwd holds
a config.json {"execution-options": {}, "policies": [<policy>]} (what mu writes for default cli
options) and custodian_policy.py, whose module import is `from c7n import handler` (Lambda's init
phase), and each invocation is handler.dispatch_event(event, context). On the first event c7n
reads config.json, asks STS for the account id, loads the resource type and only then runs the
policy; every event re-builds and re-validates the policy (c7n/handler.py).

Timed: init (module import of c7n.handler), the first event, each further event (warm). AWS calls
are counted per event with a botocore 'before-send' handler added to botocore's BUILTIN_HANDLERS,
which every botocore session registers when created: so every client of every session c7n makes
counts (one per HTTP attempt: a retry counts again). The removal is checked with boto3 after the
timing. Printed on stdout, one line:
  CUSTODIAN init_ms=<ms> first_event_ms=<ms> first_calls=<n> warm_ms_median=<ms|-> \
      first_operations=<service.Operation,...> peak_rss_mb=<MB after the first event> \
      warm_calls_median=<n|-> removed=<events whose statement is gone afterwards> check_ms=<ms>
(check_ms: that boto3 check, part of the process's wall time but of no invocation.)
and on stderr one line per event: CUSTODIAN_EVENT <n> ms=<ms> calls=<service.Operation,...>.
c7n's own log (root logger at DEBUG, as c7n/handler.py sets it) goes to stderr, as Lambda's
runtime sends it to CloudWatch Logs.

usage: custodian_run.py --topic TOPIC_ARN [--as-packaged] EVENT.json [EVENT.json ...]
  --as-packaged  run c7n from a copy holding only its .py files, writing no bytecode, PyYAML
                 hidden: what mu's archive holds (c7n without *.pyc) on Lambda's read-only
                 /var/task beside the runtime's boto3, so every cold start compiles c7n.
                 Without it c7n runs from the venv with its installed bytecode (and PyYAML).
Environment: AWS_ENDPOINT_URL (moto; botocore honours it for every client), AWS_DEFAULT_REGION
(botocore and c7n read it, not AWS_REGION; Lambda sets both), AWS credentials. Run with
.venv-custodian/bin/python (tools/venv custodian). Exits non-zero if c7n raises (C7N_CATCH_ERR is
off by default, as in Lambda); a statement left in place shows only in removed=. c7n writes its
run output under /tmp/lambda-cross-account-permission/ (init_config forces output_dir=/tmp).
"""
import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time

POLICY_NAME = "lambda-cross-account-permission"


def policy(topic_arn):
    return {
        "name": POLICY_NAME,
        "resource": "lambda",
        "mode": {"type": "cloudtrail",
                 "events": [{"source": "lambda.amazonaws.com", "event": "AddPermission20150331v2",
                             "ids": "requestParameters.functionName"}]},
        "filters": [{"type": "cross-account"}],
        "actions": [{"type": "remove-statements", "statement_ids": "matched"},
                    {"type": "notify", "to": ["security-alerts"],
                     "transport": {"type": "sns", "topic": topic_arn}}],
    }


class LambdaContext:
    """The attributes of Lambda's context object; c7n's cloudtrail mode reads none of them."""

    def __init__(self, event):
        self.function_name = "custodian-" + POLICY_NAME
        self.function_version = "$LATEST"
        self.aws_request_id = event["id"]
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{event['region']}:{event['account']}:function:{self.function_name}"

    def get_remaining_time_in_millis(self):
        return 900_000


def package_like_mu(task_dir):
    """Copies the installed c7n into task_dir without bytecode, first on sys.path, no .pyc written.

    mu's archive holds c7n alone; Lambda's Python runtime adds boto3 and its dependencies, not
    PyYAML, which c7n.utils imports only if present: hidden here as it is there.
    """
    import importlib.util
    installed = os.path.dirname(importlib.util.find_spec("c7n").origin)
    shutil.copytree(installed, os.path.join(task_dir, "c7n"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    sys.path.insert(0, task_dir)
    sys.dont_write_bytecode = True
    sys.modules["yaml"] = None  # import yaml raises ImportError


def ms(start_ns, end_ns):
    return (end_ns - start_ns) / 1e6


def main():
    parser = argparse.ArgumentParser(description="Times Cloud Custodian's Lambda handler on AddPermission events.")
    parser.add_argument("--topic", required=True, help="SNS topic ARN of the notify action")
    parser.add_argument("--as-packaged", action="store_true", help="c7n from .py files only, no bytecode written")
    parser.add_argument("events", nargs="+", help="EventBridge CloudTrail event files, one invocation each")
    args = parser.parse_args()
    events = []
    for path in args.events:
        with open(path) as f:
            events.append(json.load(f))

    # The function's /var/task as mu packages it; Lambda runs the handler with it as cwd.
    task_dir = tempfile.mkdtemp(prefix="custodian-task-")
    with open(os.path.join(task_dir, "config.json"), "w") as f:
        json.dump({"execution-options": {}, "policies": [policy(args.topic)]}, f, indent=2)
    os.chdir(task_dir)
    if args.as_packaged:
        package_like_mu(task_dir)
    # Lambda's Python runtime gives the root logger a handler before it imports the function.
    logging.basicConfig(stream=sys.stderr, format="[%(levelname)s]\t%(asctime)s\t%(name)s\t%(message)s")

    calls = []

    def count_call(event_name, **_):
        calls.append(event_name.split(".", 1)[1])  # before-send.<service>.<Operation>

    start = time.perf_counter_ns()
    import botocore.handlers  # c7n.handler imports it through boto3 anyway
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", count_call))
    from c7n import handler  # custodian_policy.py's whole module body
    init_ms = ms(start, time.perf_counter_ns())

    timings, call_counts = [], []
    for n, event in enumerate(events, 1):
        calls.clear()
        start = time.perf_counter_ns()
        handler.dispatch_event(event, LambdaContext(event))
        timings.append(ms(start, time.perf_counter_ns()))
        call_counts.append(len(calls))
        if n == 1:
            # Linux reports ru_maxrss in KiB: the process's peak resident memory after the first event.
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            first_operations = ",".join(calls)
        print(f"CUSTODIAN_EVENT {n} ms={timings[-1]:.1f} calls={','.join(calls)}", file=sys.stderr)

    start = time.perf_counter_ns()
    removed = sum(statement_gone(e) for e in events)
    check_ms = ms(start, time.perf_counter_ns())
    warm_ms = f"{statistics.median(timings[1:]):.1f}" if len(timings) > 1 else "-"
    warm_calls = f"{statistics.median(call_counts[1:]):g}" if len(call_counts) > 1 else "-"
    print(f"CUSTODIAN init_ms={init_ms:.1f} first_event_ms={timings[0]:.1f} first_calls={call_counts[0]} "
          f"first_operations={first_operations} peak_rss_mb={peak_rss_mb:.1f} "
          f"warm_ms_median={warm_ms} warm_calls_median={warm_calls} removed={removed} check_ms={check_ms:.1f}")
    shutil.rmtree(task_dir, ignore_errors=True)


def statement_gone(event):
    """True when the event's statement is no longer in its function's policy (read with boto3)."""
    import boto3
    params = event["detail"]["requestParameters"]
    lam = boto3.client("lambda", region_name=event["region"])
    try:
        statements = json.loads(lam.get_policy(FunctionName=params["functionName"])["Policy"])["Statement"]
    except lam.exceptions.ResourceNotFoundException:
        return True
    return all(s.get("Sid") != params["statementId"] for s in statements)


if __name__ == "__main__":
    main()
