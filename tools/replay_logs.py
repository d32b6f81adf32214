#!/usr/bin/env python3
"""Generates a tree of gzipped CloudTrail log files as CloudTrail delivers them to S3, for
tools/replay-bench:

    DIR/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
        <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<random>.json.gz

Each file is one compact {"Records": [...]} document of 1-3 KB records: about 70 % from other
services (S3, EC2, IAM, STS, KMS, CloudWatch Logs: variants of the non-Lambda records of
events/cloudtrail-logfile-mixed.json), about 30 % Lambda (the Lambda records of that log file and
the CloudTrail record inside every events/*.json envelope: reads, compliant changes, violations).
Every record gets a fresh eventID, requestID, eventTime (in order within its file), source IP,
user agent, access key id, session name and x-amz-id-2, so the files compress like real ones
(about 10:1) rather than like copies.

usage: replay_logs.py OUT_DIR SIZE_MB [--days N] [--start YYYY-MM-DD] [--seed N]
                      [--lambda-share 0.3] [--watched-share 0.2]
Prints one line: files, records, uncompressed and gzipped bytes. Standard library only.
"""
import argparse
import base64
import datetime
import gzip
import json
import os
import random
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENTS = os.path.join(ROOT, "events")
ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "eu-west-1"]
RECORDS_PER_FILE = (300, 700)
LAMBDA_SHARE = 0.30

USER_AGENTS = [
    "[aws-cli/2.27.50 md/awscrt#0.26.1 ua/2.1 os/macos#24.5.0 md/arch#arm64 lang/python#3.13.4 md/pyimpl#CPython cfg/retry-mode#standard]",
    "[Boto3/1.38.36 md/Botocore#1.38.36 ua/2.1 os/linux#5.10.238-231.953.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.11 cfg/retry-mode#legacy Botocore/1.38.36]",
    "[aws-sdk-java/2.31.63 md/io#sync md/http#UrlConnection ua/2.1 os/Linux#5.10.237-230.949.amzn2.x86_64 lang/java#17.0.15 md/OpenJDK_64-Bit_Server_VM#17.0.15+6-LTS md/vendor#Amazon.com_Inc. md/en_US m/D,N]",
    "[APN/1.0 HashiCorp/1.0 Terraform/1.12.2 (+https://www.terraform.io) terraform-provider-aws/5.100.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.36.5 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/lambda#1.71.4]",
    "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36]",
]
SESSIONS = ["maria.lopez@example.com", "GitHubActions", "dana.dev", "i-0a1b2c3d4e5f60001", "botocore-session-1750312",
            "AWSCloudFormation", "terraform-plan", "ops-runbook"]
ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


WATCHED_PREFIXES = ("CreateFunction", "UpdateFunctionConfiguration", "AddPermission", "PutResourcePolicy",
                    "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig")
READS = ["GetFunction20150331v2", "GetFunctionConfiguration20150331v2", "GetPolicy20150331v2", "ListTags20170331",
         "ListVersionsByFunction20150331", "GetAlias20150331", "GetFunctionConcurrency20190930"]


def load_templates():
    """(non-Lambda records, Lambda records by kind: watched changes, failed calls, other Lambda calls)."""
    with open(os.path.join(EVENTS, "cloudtrail-logfile-mixed.json")) as f:
        mixed = json.load(f)["Records"]
    other = [r for r in mixed if r["eventSource"] != "lambda.amazonaws.com"]
    lam = [r for r in mixed if r["eventSource"] == "lambda.amazonaws.com"]
    for name in sorted(os.listdir(EVENTS)):
        if name.endswith(".json") and name != "cloudtrail-logfile-mixed.json":
            with open(os.path.join(EVENTS, name)) as f:
                lam.append(json.load(f)["detail"])
    kinds = {"watched": [], "failed": [], "unwatched": []}
    for r in lam:
        if "errorCode" in r:
            kinds["failed"].append(r)
        elif r["eventName"].startswith(WATCHED_PREFIXES):
            kinds["watched"].append(r)
        else:
            kinds["unwatched"].append(r)
    # Reads dominate real Lambda traffic (consoles, IaC plans): the other read calls, shaped like GetFunction.
    get_function = next(r for r in kinds["unwatched"] if r["eventName"].startswith("GetFunction"))
    for name in READS[1:]:
        read = json.loads(json.dumps(get_function))
        read["eventName"] = name
        kinds["unwatched"].append(read)
    return other + variants(other), kinds


def variants(other):
    """More services and calls, shaped like the non-Lambda templates."""
    s3, ec2, iam = other[0], other[1], other[2]
    out = []

    def like(base, source, name, request, response=None, read_only=False, resources=None):
        r = json.loads(json.dumps(base))
        r.update(eventSource=source, eventName=name, requestParameters=request, responseElements=response,
                 readOnly=read_only)
        if resources is not None:
            r["resources"] = resources
        else:
            r.pop("resources", None)
        if "tlsDetails" in r:
            r["tlsDetails"]["clientProvidedHostHeader"] = source.replace(".amazonaws.com", ".us-east-1.amazonaws.com")
        return r

    out.append(like(iam, "sts.amazonaws.com", "AssumeRole",
                    {"roleArn": "arn:aws:iam::111122223333:role/github-actions-terraform-deploy",
                     "roleSessionName": "GitHubActions", "durationSeconds": 3600},
                    {"credentials": {"accessKeyId": "ASIAEXAMPLESTS00001", "sessionToken": "@@TOKEN@@",
                                     "expiration": "Mar 18, 2026, 10:00:12 AM"},
                     "assumedRoleUser": {"assumedRoleId": "AROAEXAMPLECIDEPLOY1:GitHubActions",
                                         "arn": "arn:aws:sts::111122223333:assumed-role/github-actions-terraform-deploy/GitHubActions"}},
                    resources=[{"accountId": "111122223333", "type": "AWS::IAM::Role",
                                "ARN": "arn:aws:iam::111122223333:role/github-actions-terraform-deploy"}]))
    out.append(like(ec2, "kms.amazonaws.com", "Decrypt",
                    {"encryptionContext": {"aws:lambda:FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:orders-db-writer"},
                     "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, None, read_only=True,
                    resources=[{"accountId": "111122223333", "type": "AWS::KMS::Key",
                                "ARN": "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"}]))
    out.append(like(ec2, "ec2.amazonaws.com", "DescribeInstances",
                    {"instancesSet": {}, "filterSet": {"items": [{"name": "tag:Environment", "valueSet": {"items": [{"value": "prod"}]}}]}},
                    None, read_only=True))
    out.append(like(ec2, "logs.amazonaws.com", "CreateLogStream",
                    {"logGroupName": "/aws/lambda/orders-db-writer",
                     "logStreamName": "2026/03/18/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, None))
    out.append(like(s3, "s3.amazonaws.com", "PutBucketPolicy",
                    {"bucketName": "orders-exports-111122223333", "Host": "orders-exports-111122223333.s3.amazonaws.com",
                     "bucketPolicy": {"Version": "2012-10-17", "Statement": [
                         {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Resource": ["arn:aws:s3:::orders-exports-111122223333", "arn:aws:s3:::orders-exports-111122223333/*"],
                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}, "policy": ""}, None,
                    resources=s3.get("resources")))
    return out


def placeholder_text(record):
    """The record as compact JSON with @@FIELD@@ markers where each copy gets fresh values."""
    r = json.loads(json.dumps(record))
    r["eventID"] = "@@EVENTID@@"
    r["requestID"] = "@@REQUESTID@@"
    r["eventTime"] = "@@TIME@@"
    if r.get("sourceIPAddress", "")[:1].isdigit():
        # A caller's address and user agent; a service (cloudformation.amazonaws.com) keeps its name in both.
        r["sourceIPAddress"] = "@@IP@@"
        if "userAgent" in r:
            r["userAgent"] = "@@AGENT@@"
    identity = r.get("userIdentity", {})
    if "accessKeyId" in identity:
        identity["accessKeyId"] = "@@KEY@@"
    if identity.get("type") == "AssumedRole" and "arn" in identity:
        identity["arn"] = identity["arn"].rsplit("/", 1)[0] + "/@@SESSION@@"
    extra = r.get("additionalEventData")
    if isinstance(extra, dict) and "x-amz-id-2" in extra:
        extra["x-amz-id-2"] = "@@AMZID@@"
    text = json.dumps(r, separators=(",", ":"), ensure_ascii=False)
    return text.replace("%", "%%").replace('"@@EVENTID@@"', '"%(id)s"').replace('"@@REQUESTID@@"', '"%(req)s"') \
        .replace('"@@TIME@@"', '"%(time)s"').replace('"@@IP@@"', '"%(ip)s"').replace('"@@KEY@@"', '"%(key)s"') \
        .replace("/@@SESSION@@", "/%(session)s").replace('"@@AMZID@@"', '"%(amzid)s"') \
        .replace('"@@AGENT@@"', '"%(agent)s"').replace("@@TOKEN@@", "%(token)s")


def main():
    p = argparse.ArgumentParser(description="Generates gzipped CloudTrail log files in the S3 layout.")
    p.add_argument("out")
    p.add_argument("size_mb", type=float, help="uncompressed size to generate, in MB (10^6 bytes)")
    p.add_argument("--days", type=int, default=10)
    p.add_argument("--start", default="2026-03-01")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lambda-share", type=float, default=LAMBDA_SHARE, help="share of Lambda records (default 0.3)")
    p.add_argument("--watched-share", type=float, default=0.2,
                   help="share of the Lambda records that are watched changes, from events/*.json, most of them"
                        " violations (default 0.2; failed calls 0.05; the rest reads and code updates)")
    a = p.parse_args()
    rnd = random.Random(a.seed)
    other, kinds = load_templates()
    other_t = [placeholder_text(r) for r in other]
    kind_t = {k: [placeholder_text(r) for r in v] for k, v in kinds.items()}
    failed_share = min(0.05, 1 - a.watched_share)
    lam_weights = [("watched", a.watched_share), ("failed", failed_share),
                   ("unwatched", 1 - a.watched_share - failed_share)]
    lam_t = [t for k, _ in lam_weights for t in kind_t[k]]

    def lambda_template():
        x = rnd.random()
        for kind, weight in lam_weights:
            if x < weight:
                return rnd.choice(kind_t[kind])
            x -= weight
        return rnd.choice(kind_t["unwatched"])
    target = int(a.size_mb * 1_000_000)
    start = datetime.datetime.fromisoformat(a.start).replace(tzinfo=datetime.timezone.utc)
    span = datetime.timedelta(days=a.days).total_seconds()

    # Files spread evenly over the days and regions; each covers about five minutes.
    avg_file = (sum(len(t) for t in other_t) / len(other_t)) * (1 - a.lambda_share) \
        + (sum(len(t) for t in lam_t) / len(lam_t)) * a.lambda_share
    n_files = max(1, int(target / (avg_file * sum(RECORDS_PER_FILE) / 2)))
    step = span / n_files
    written = gz_bytes = records = 0
    files = 0
    while written < target:
        t0 = start + datetime.timedelta(seconds=files * step)
        region = REGIONS[files % len(REGIONS)]
        n = rnd.randint(*RECORDS_PER_FILE)
        parts = []
        for i in range(n):
            template = lambda_template() if rnd.random() < a.lambda_share else rnd.choice(other_t)
            when = t0 + datetime.timedelta(seconds=step * i / n)
            parts.append(template % {
                "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "req": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ip": "%d.%d.%d.%d" % (rnd.choice((198, 203, 192)), rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(1, 254)),
                "key": "ASIA" + "".join(rnd.choice(ALPHANUM) for _ in range(16)),
                "session": rnd.choice(SESSIONS),
                "amzid": base64.b64encode(rnd.randbytes(57)).decode(),
                "agent": rnd.choice(USER_AGENTS),
                "token": base64.b64encode(rnd.randbytes(96)).decode(),
            })
        body = ('{"Records":[' + ",".join(parts) + "]}").encode()
        delivered = t0 + datetime.timedelta(seconds=step, minutes=5)
        folder = os.path.join(a.out, "AWSLogs", ACCOUNT, "CloudTrail", region, delivered.strftime("%Y/%m/%d"))
        os.makedirs(folder, exist_ok=True)
        name = "%s_CloudTrail_%s_%s_%s.json.gz" % (ACCOUNT, region, delivered.strftime("%Y%m%dT%H%MZ"),
                                                   "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16)))
        data = gzip.compress(body, compresslevel=6, mtime=0)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        written += len(body)
        gz_bytes += len(data)
        records += n
        files += 1
    print("files=%d records=%d bytes=%d gz_bytes=%d" % (files, records, written, gz_bytes))


if __name__ == "__main__":
    main()
