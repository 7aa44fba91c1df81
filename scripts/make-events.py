#!/usr/bin/env python3
"""Regenerate events/ from the Vapi samples (../shared/vapi/samples).

Writes one API Gateway HTTP API (payload v2) event per Vapi message type that matters,
authenticated with the shared-secret scheme and the documented local test secret (so the
events never go stale, unlike timestamped HMAC signatures), SQS events for the worker in
the exact wire format of shared/src/adapters/sqs_message.rs, and events/env.json for
`sam local invoke --env-vars`. stdlib only.

    python3 scripts/make-events.py [--samples ../shared/vapi/samples]
"""
import argparse
import hashlib
import json
import os

LOCAL_SECRET = "local-test-secret-change-me"
WEBHOOK_EVENTS = {
    "assistant-request": "assistant-request.json",
    "tool-calls": "tool-calls.json",
    "transfer-destination-request": "transfer-destination-request.json",
    "status-update.in-progress": "status-update.in-progress.json",
    "status-update.ended": "status-update.ended.json",
    "transcript.partial": "transcript.partial.json",
    "transcript.final": "transcript.final.json",
    "speech-update": "speech-update.json",
    "user-interrupted": "user-interrupted.json",
    "conversation-update": "conversation-update.json",
    "end-of-call-report": "end-of-call-report.json",
}
SQS_EVENTS = {
    "transcript.final": "transcript.final.json",
    "end-of-call-report": "end-of-call-report.json",
    "status-update.ended": "status-update.ended.json",
}
RECEIVED_AT_MS = 1763481830000


def v2_event(body: str) -> dict:
    return {
        "version": "2.0",
        "routeKey": "POST /webhook/vapi",
        "rawPath": "/webhook/vapi",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "host": "abc123.execute-api.us-west-2.amazonaws.com",
            "x-vapi-secret": LOCAL_SECRET,
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-west-2.amazonaws.com",
            "http": {"method": "POST", "path": "/webhook/vapi", "protocol": "HTTP/1.1",
                     "sourceIp": "167.150.224.10", "userAgent": "vapi"},
            "requestId": "req-1", "routeKey": "POST /webhook/vapi", "stage": "$default",
            "time": "18/Nov/2025:16:02:11 +0000", "timeEpoch": RECEIVED_AT_MS,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def sqs_record(i: int, body: str) -> dict:
    msg = json.loads(body)["message"]
    attrs = {
        "received_at": str(RECEIVED_AT_MS),
        "message_type": msg["type"],
        "auth_scheme": "shared-secret",
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
        "source": "vapi",
        "content_encoding": "identity",
        "body_bytes": str(len(body.encode())),
    }
    call_id = (msg.get("call") or {}).get("id")
    if call_id:
        attrs["call_id"] = call_id
    return {
        "messageId": f"00000000-0000-4000-8000-{i:012d}",
        "receiptHandle": f"receipt-{i}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(RECEIVED_AT_MS)},
        "messageAttributes": {
            k: {"stringValue": v, "dataType": "Number" if k in ("received_at", "body_bytes") else "String",
                "stringListValues": [], "binaryListValues": []}
            for k, v in attrs.items()
        },
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:callwarden-deliveries",
        "awsRegion": "us-west-2",
    }


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", default=os.path.join(root, "..", "shared", "vapi", "samples"))
    args = ap.parse_args()
    out = os.path.join(root, "events")
    os.makedirs(out, exist_ok=True)

    def compact(name: str) -> str:
        with open(os.path.join(args.samples, name)) as f:
            return json.dumps(json.load(f), separators=(",", ":"), ensure_ascii=False)

    def write(name: str, obj: dict) -> None:
        with open(os.path.join(out, name), "w") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")

    for event, sample in WEBHOOK_EVENTS.items():
        write(f"webhook.{event}.json", v2_event(compact(sample)))
    records = [sqs_record(i, compact(s)) for i, s in enumerate(SQS_EVENTS.values())]
    write("worker.sqs-batch.json", {"Records": records})
    poison = sqs_record(99, compact("hang.json"))
    poison["body"] = "not the body that was hashed"
    write("worker.sqs-poison.json", {"Records": [records[0], poison]})
    write("env.json", {
        "WebhookFunction": {"VAPI_SECRET": LOCAL_SECRET, "TABLE_NAME": "callwarden-local",
                            "QUEUE_URL": "http://127.0.0.1:4566/000000000000/callwarden-local",
                            "HUMAN_ESCALATION_NUMBER": "+14155550177", "RUST_LOG": "info"},
        "WorkerFunction": {"TABLE_NAME": "callwarden-local", "RUST_LOG": "info"},
    })


if __name__ == "__main__":
    main()
