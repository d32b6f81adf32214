"""The moto world of the harnesses (tools/cold-start, cds-evaluate, package-check): one state table, one
topic (with a queue named as the topic subscribed, as an e-mail subscriber would be), a function role and
Security Hub enabled (for package-check's run of the Security Hub exporter); per event a fresh function in the state the event
recorded, and the EventBridge event CloudTrail would produce for it, written to WORK/<kind>-<i>.json:

  permission-guard-violating-<i>   AddPermission of Principal "*" (the public sample event)
  permission-guard-compliant-<i>   AddPermission of EventBridge's service principal for one rule of the account
  vpc-guard-violating-<i>          CreateFunction without a VPC
  vpc-guard-compliant-<i>          CreateFunction in a VPC (moto's VPC, subnets and security group)

Usage: cold_start_world.py ENDPOINT REGION ACCOUNT SUFFIX EVENTS_DIR WORK KIND=COUNT...
Writes WORK/env with GUARDRAIL_TOPIC_ARN and GUARDRAIL_STATE_TABLE.
"""
import io
import json
import sys
import uuid
import zipfile

import boto3

endpoint, region, account, suffix, events, work = sys.argv[1:7]
counts = dict(arg.split("=") for arg in sys.argv[7:])
aws = lambda service: boto3.client(service, endpoint_url=endpoint, region_name=region)
lam, iam, ec2 = aws("lambda"), aws("iam"), aws("ec2")
table, topic_name = "cold-start-state" + suffix, "cold-start-alerts" + suffix
aws("dynamodb").create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
topic = aws("sns").create_topic(Name=topic_name)["TopicArn"]
sqs = aws("sqs")
queue = sqs.create_queue(QueueName=topic_name)["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
aws("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
role = iam.create_role(RoleName="cold-start-function" + suffix, AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{n}.0/24")["Subnet"]["SubnetId"] for n in (1, 2)]
group = ec2.create_security_group(GroupName="cold-start" + suffix, Description="cold start", VpcId=vpc)["GroupId"]
aws("securityhub").enable_security_hub()
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("app.py", "def handler(event, context):\n    return {}\n")


def sample(name):
    with open(f"{events}/{name}") as f:
        event = json.loads(f.read().replace("111122223333", account))
    event["id"] = str(uuid.uuid4())
    event["detail"]["eventID"] = str(uuid.uuid4())
    event["detail"]["requestID"] = str(uuid.uuid4())
    return event


def create(name, **more):
    return lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=role,
                               Code={"ZipFile": code.getvalue()}, **more)


def permission(name, sample_name, **grant):
    create(name)
    statement = lam.add_permission(FunctionName=name, Action="lambda:InvokeFunction", **grant)["Statement"]
    event = sample(sample_name)
    event["detail"]["requestParameters"].update(functionName=name, **{k[0].lower() + k[1:]: v for k, v in grant.items()})
    event["detail"]["responseElements"] = {"statement": statement}
    return event


def creation(name, sample_name, **more):
    created = create(name, **more)
    event = sample(sample_name)
    event["detail"]["requestParameters"].update(functionName=name, role=role)
    event["detail"]["responseElements"].update(functionName=name, functionArn=created["FunctionArn"], role=role)
    if "VpcConfig" in more:
        config = {"subnetIds": subnets, "securityGroupIds": [group]}
        event["detail"]["requestParameters"]["vpcConfig"] = config
        event["detail"]["responseElements"]["vpcConfig"] = dict(config, vpcId=vpc)
    return event


BUILDERS = {
    "permission-guard-violating": lambda name: permission(
        name, "addpermission-public-principal.json", StatementId="allow-anyone", Principal="*"),
    "permission-guard-compliant": lambda name: permission(
        name, "addpermission-service-with-source-arn.json", StatementId="allow-nightly-rule", Principal="events.amazonaws.com",
        SourceArn=f"arn:aws:events:{region}:{account}:rule/{name}-nightly", SourceAccount=account),
    "vpc-guard-violating": lambda name: creation(name, "createfunction-no-vpc.json"),
    "vpc-guard-compliant": lambda name: creation(
        name, "createfunction-in-vpc.json", VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group]}),
}

for kind, count in counts.items():
    for i in range(1, int(count) + 1):
        event = BUILDERS[kind](f"cs-{kind}{suffix}-{i}")
        with open(f"{work}/{kind}-{i}.json", "w") as f:
            json.dump(event, f)

with open(f"{work}/env", "w") as f:
    f.write(f"GUARDRAIL_TOPIC_ARN={topic}\nGUARDRAIL_STATE_TABLE={table}\n")
