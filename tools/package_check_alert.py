"""Prints the SNS event Lambda would deliver to the Security Hub exporter for the first alert on a topic.

Usage: package_check_alert.py <endpoint> <region> <topic arn>   (run with the project's .venv)

tools/cold_start_world.py subscribes a queue named as the topic to it (SNS's JSON envelope, not raw
delivery). This takes the oldest alert there, waiting up to 10 s, and prints it as the one record
of an aws:sns Lambda event: the message the `lambda` protocol gets (the alert's JSON document,
which MessageStructure=json gives the sqs and lambda protocols alike), its attributes and ids.
Exit status 1 when no alert arrived.
"""
import json
import sys

import boto3


def main(endpoint, region, topic_arn):
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
    queue = sqs.get_queue_url(QueueName=topic_arn.rsplit(":", 1)[1])["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=10).get("Messages", [])
    if not messages:
        print(f"package_check_alert: no alert on {topic_arn}", file=sys.stderr)
        return 1
    envelope = json.loads(messages[0]["Body"])
    attributes = {name: {"Type": value["Type"], "Value": value["Value"]}
                  for name, value in envelope.get("MessageAttributes", {}).items()}
    record = {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": topic_arn + ":00000000-0000-0000-0000-000000000000",
        "Sns": {
            "Type": envelope["Type"],
            "MessageId": envelope["MessageId"],
            "TopicArn": envelope["TopicArn"],
            "Subject": envelope.get("Subject"),
            "Message": envelope["Message"],
            "Timestamp": envelope["Timestamp"],
            "SignatureVersion": envelope.get("SignatureVersion", "1"),
            "Signature": envelope.get("Signature", ""),
            "SigningCertUrl": envelope.get("SigningCertURL", ""),
            "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
            "MessageAttributes": attributes,
        },
    }
    print(json.dumps({"Records": [record]}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: package_check_alert.py <endpoint> <region> <topic arn>", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
