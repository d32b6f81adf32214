"""The organisation runs of tools/package-check: their moto world, and the checks after each run of
an organisation function's jar. moto's own account 123456789012 is both the central account and the
one member: its STS gives an assumed role credentials of the role ARN's account, and the role need
not exist.

  world ENDPOINT REGION ACCOUNT SUFFIX WORK   the alert topic (an SQS queue subscribed), the FIFO
        remediation queue, a SELF_MANAGED roles StackSet with one instance in ACCOUNT, and in the
        sweep's governed region (not REGION, whose many harness functions would make it slow) one
        function with a public statement; writes WORK/org.env (shell) and WORK/org.json
  evaluated WORK    after the evaluator on WORK/permission-guard-violating-1.json: the event is on
        the FIFO queue in its account:region group, and ROLLBACK_QUEUED was alerted; writes Lambda's
        SQS event of the message to WORK/org-sqs-event.json
  remediated WORK   after the remediator on that SQS event: no message to retry, the public
        statement is gone from the member's function, and ROLLBACK was alerted
  swept WORK        after the org sweep: the member's account-region was swept through its role,
        its public function found, and the summary (SWEEP) alerted

Each check also requires the AWS operations that prove the run's SDK clients were loaded from the
jar (ColdStart's first_operations). Exit status 1 with the reason on the first failed check.
"""
import io
import json
import shlex
import sys
import time
import zipfile

import boto3

ALERT_WAIT_SECONDS = 5  # moto delivers SNS to SQS asynchronously
SWEEP_REGION = "eu-west-1"
MEMBER_ROLE = "LambdaGuardrailRemediator"
# Any tiny template: the sweep reads only the StackSet's instances.
ROLES_TEMPLATE = json.dumps({"Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}}})
REQUIRED_OPERATIONS = {
    "org-evaluator": ["SendMessage", "Publish"],
    "org-remediator": ["AssumeRole", "GetPolicy", "RemovePermission", "Publish"],
    "org-sweep": ["ListStackInstances", "AssumeRole", "ListFunctions", "GetPolicy", "Publish"],
}


def fail(message):
    sys.exit(f"package-check: {message}")


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, value):
    with open(path, "w") as f:
        json.dump(value, f)


def world(endpoint, region, account, suffix, work):
    aws = lambda service, in_region=region: boto3.client(service, endpoint_url=endpoint, region_name=in_region)
    sns, sqs, cfn = aws("sns"), aws("sqs"), aws("cloudformation")
    topic = sns.create_topic(Name="package-check-org-alerts" + suffix)["TopicArn"]
    alerts = sqs.create_queue(QueueName="package-check-org-alerts" + suffix)["QueueUrl"]
    alerts_arn = sqs.get_queue_attributes(QueueUrl=alerts, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=alerts_arn)
    queue = sqs.create_queue(QueueName=f"package-check-remediation{suffix}.fifo",
                             Attributes={"FifoQueue": "true", "VisibilityTimeout": "360"})["QueueUrl"]
    stack_set = "package-check-member-roles" + suffix
    cfn.create_stack_set(StackSetName=stack_set, TemplateBody=ROLES_TEMPLATE, PermissionModel="SELF_MANAGED")
    operation = cfn.create_stack_instances(StackSetName=stack_set, Accounts=[account], Regions=[region])["OperationId"]
    deadline = time.monotonic() + 30
    while (status := cfn.describe_stack_set_operation(StackSetName=stack_set, OperationId=operation)
           ["StackSetOperation"]["Status"]) in ("RUNNING", "QUEUED") and time.monotonic() < deadline:
        time.sleep(0.1)
    if status != "SUCCEEDED":
        fail(f"org world: the roles StackSet's instance: operation {status}")
    # The sweep's member function: the harness's function role (IAM is global), a public statement.
    role = aws("iam").get_role(RoleName="cold-start-function" + suffix)["Role"]["Arn"]
    lam = aws("lambda", SWEEP_REGION)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {}\n")
    swept = lam.create_function(FunctionName="package-check-org-swept" + suffix, Runtime="python3.12",
                                Handler="app.handler", Role=role, Code={"ZipFile": code.getvalue()})["FunctionArn"]
    lam.add_permission(FunctionName=swept, StatementId="allow-anyone", Action="lambda:InvokeFunction", Principal="*")
    save(f"{work}/org.json", {"endpoint": endpoint, "region": region, "account": account, "topic": topic,
                              "alerts": alerts, "queue": queue, "swept": swept})
    with open(f"{work}/org.env", "w") as f:
        for name, value in (("ORG_TOPIC_ARN", topic), ("ORG_QUEUE_URL", queue), ("ORG_STACK_SET", stack_set),
                            ("ORG_SWEEP_REGION", SWEEP_REGION)):
            f.write(f"{name}={shlex.quote(value)}\n")


class Org:
    """The world `world` wrote, its clients, and the output of the runs."""

    def __init__(self, work):
        self.work = work
        self.state = load(f"{work}/org.json")
        self.sqs = self.client("sqs")

    def client(self, service, region=None):
        return boto3.client(service, endpoint_url=self.state["endpoint"], region_name=region or self.state["region"])

    def run(self, name):
        """The run's ColdStart line: its first event's AWS operations and its result."""
        with open(f"{self.work}/{name}.out") as f:
            line = next((l for l in f if l.startswith("COLDSTART ")), None)
        if line is None:
            fail(f"{name}: no COLDSTART line in its output")
        fields, result = line.rstrip("\n").split(" result=", 1)
        operations = dict(f.split("=", 1) for f in fields.split()[1:])["first_operations"].split(",")
        missing = [o for o in REQUIRED_OPERATIONS[name] if o not in operations]
        if missing:
            fail(f"{name}: no {', '.join(missing)} among its AWS calls {operations}")
        return json.loads(result)

    def alert(self, decision):
        """The one alert on the organisation topic (taken off its queue), which must have this decision."""
        messages, deadline = [], time.monotonic() + ALERT_WAIT_SECONDS
        while True:
            more = self.sqs.receive_message(QueueUrl=self.state["alerts"], MaxNumberOfMessages=10,
                                            WaitTimeSeconds=0 if messages else 1).get("Messages", [])
            for m in more:
                self.sqs.delete_message(QueueUrl=self.state["alerts"], ReceiptHandle=m["ReceiptHandle"])
            messages += more
            if not more and (messages or time.monotonic() > deadline):
                break
        decisions = [json.loads(m["Body"]).get("MessageAttributes", {}).get("decision", {}).get("Value") for m in messages]
        if decisions != [decision]:
            fail(f"alerts with decisions {decisions}, expected one {decision}")
        return json.loads(json.loads(messages[0]["Body"])["Message"])


def evaluated(org):
    report = org.run("org-evaluator")
    event = load(f"{org.work}/permission-guard-violating-1.json")
    messages = org.sqs.receive_message(QueueUrl=org.state["queue"], MaxNumberOfMessages=10, AttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", [])
    group = f"{org.state['account']}:{org.state['region']}"
    queued = [(m["Attributes"]["MessageGroupId"], json.loads(m["Body"])["detail"]["eventID"]) for m in messages]
    if queued != [(group, event["detail"]["eventID"])]:
        fail(f"org-evaluator: the FIFO queue holds {queued}, expected the event in group {group} (report {report})")
    org.alert("ROLLBACK_QUEUED")
    queue_arn = org.sqs.get_queue_attributes(QueueUrl=org.state["queue"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # Lambda's SQS event of the message, as the event source mapping invokes the remediator.
    save(f"{org.work}/org-sqs-event.json", {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": m["Attributes"],
        "messageAttributes": {k: {"stringValue": v.get("StringValue"), "stringListValues": [], "binaryListValues": [],
                                  "dataType": v["DataType"]} for k, v in m.get("MessageAttributes", {}).items()},
        "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": org.state["region"],
    } for m in messages]})


def statement_ids(lam, function):
    try:
        return [s["Sid"] for s in json.loads(lam.get_policy(FunctionName=function)["Policy"])["Statement"]]
    except lam.exceptions.ResourceNotFoundException:
        return []


def remediated(org):
    result = org.run("org-remediator")
    if result != {"batchItemFailures": []}:
        fail(f"org-remediator: messages to deliver again: {result}")
    function = load(f"{org.work}/permission-guard-violating-1.json")["detail"]["requestParameters"]["functionName"]
    left = statement_ids(org.client("lambda"), function)
    if "allow-anyone" in left:
        fail(f"org-remediator: {function} still has the public statement: {left}")
    org.alert("ROLLBACK")


def swept(org):
    summary = org.run("org-sweep")
    targets = summary.get("accountRegions", {})
    if (summary.get("accounts"), targets.get("swept"), targets.get("notSwept")) != (1, 1, 0):
        fail(f"org-sweep: expected the one member's account-region swept: {summary}")
    if not summary.get("findingsByRule", {}).get("PERMISSION_PUBLIC"):
        fail(f"org-sweep: the member's public function {org.state['swept']} was not found: {summary}")
    alert = org.alert("SWEEP")
    if alert.get("scope") != "ORGANIZATION":
        fail(f"org-sweep: the summary alerted is not the organisation sweep's: {alert}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "world":
        world(*args)
    else:
        {"evaluated": evaluated, "remediated": remediated, "swept": swept}[command](Org(*args))
