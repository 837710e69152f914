#!/usr/bin/env python3
"""Starts one ReportSaga report from Python: publishes a plain JSON RequestReport over AMQP.

Requires the pika package:  pip install pika   (Debian/Ubuntu: apt-get install python3-pika)

    python3 samples/publish-request.py [--report BODY.json] [--max-credits N] [--requested-by NAME]
                                       [--request-id UUID] [--url AMQP_URI]

The message is the RequestReport itself (no MassTransit envelope), content type application/json:
camelCase fields (requestId, report, maxCredits, requestedBy), and inside `report` the Batch API
request body with its own snake_case keys, unchanged. It goes to the fanout exchange
ReportSaga.Contracts:RequestReport, which ReportSaga declares (durable) and binds its entry queue to.

The broker: --url, else ConnectionStrings__RabbitMq, else amqp://guest:guest@localhost:5672/
(a virtual host other than / goes percent-encoded in the path: amqp://u:p@host:5672/my%2Fvhost).
Prints the request id. Exit codes: 0 published and routed to a queue; 2 bad arguments; 3 nothing
would read it (no exchange or no queue bound: start ReportSaga first); 1 anything else.
"""

import argparse
import json
import os
import sys
import uuid

try:
    import pika
    import pika.exceptions
except ImportError:
    sys.exit("publish-request.py needs the pika package: pip install pika")

# MassTransit names a message type's exchange namespace:TypeName.
EXCHANGE = "ReportSaga.Contracts:RequestReport"
DEFAULT_URL = "amqp://guest:guest@localhost:5672/"

EXAMPLE_REPORT = {
    "report_name": "Monthly traffic - amazon.com vs ebay.com (python sample)",
    "delivery_information": {
        "response_format": "csv",
        "delivery_method": "download_link",
        "delivery_method_params": {"retention_days": 30},
    },
    "report_query": {
        "tables": [
            {
                "vtable": "traffic_and_engagement",
                "granularity": "monthly",
                "filters": {"domains": ["amazon.com", "ebay.com"], "countries": ["WW", "US"], "include_subdomains": True},
                "metrics": ["all_traffic_visits", "desktop_visits", "mobile_visits"],
                "start_date": "2024-01",
                "end_date": "2024-03",
            }
        ]
    },
}


def parse_args():
    parser = argparse.ArgumentParser(description="Publishes one plain JSON RequestReport to ReportSaga.")
    parser.add_argument("--report", metavar="FILE", help="the Batch API request body (JSON); default: a built-in example")
    parser.add_argument("--max-credits", type=int, default=5000, help="refuse the report above this estimate (default 5000; 0: no limit)")
    parser.add_argument("--requested-by", default="samples-publish-request-py", help="who asks, for operators")
    parser.add_argument("--request-id", type=uuid.UUID, help="the idempotency key (default: a new UUID)")
    parser.add_argument("--url", default=os.environ.get("ConnectionStrings__RabbitMq", DEFAULT_URL), help="AMQP URI of the broker")
    args = parser.parse_args()
    if args.max_credits < 0:
        parser.error("--max-credits must not be negative")
    return args


def load_report_text(path):
    """The report body as JSON text. A file's text is sent exactly as written (ReportSaga forwards the body
    unchanged, and a trip through Python's json would round big or precise numbers); it is parsed only to check it."""
    if path is None:
        return json.dumps(EXAMPLE_REPORT)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if not isinstance(json.loads(text), dict):
        raise ValueError("the report body must be a JSON object")
    return text.strip()


def main():
    args = parse_args()
    try:
        report = load_report_text(args.report)
    except (OSError, ValueError) as error:
        print(f"publish-request.py: {error}", file=sys.stderr)
        return 2

    request_id = args.request_id or uuid.uuid4()
    fields = [f'"requestId":"{request_id}"', f'"report":{report}', f'"requestedBy":{json.dumps(args.requested_by)}']
    if args.max_credits:
        fields.append(f'"maxCredits":{args.max_credits}')
    body = ("{" + ",".join(fields) + "}").encode("utf-8")

    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    try:
        channel = connection.channel()
        # Passive: only checks that ReportSaga has declared the exchange (fanout, durable). Declaring it here
        # would hide a missing service; the message would then be dropped, with no queue bound.
        try:
            channel.exchange_declare(EXCHANGE, exchange_type="fanout", passive=True)
        except pika.exceptions.ChannelClosedByBroker:
            print(f"publish-request.py: no exchange {EXCHANGE}: start ReportSaga against this broker first", file=sys.stderr)
            return 3
        # Confirms + mandatory: the call returns once the broker has the message in a queue, and raises if
        # no queue is bound, instead of letting it vanish.
        channel.confirm_delivery()
        properties = pika.BasicProperties(
            content_type="application/json",
            delivery_mode=2,  # persistent
            # A message id per publish: ReportSaga's inbox needs one to recognise a redelivered message.
            message_id=str(uuid.uuid4()),
        )
        try:
            channel.basic_publish(EXCHANGE, routing_key="", body=body, properties=properties, mandatory=True)
        except pika.exceptions.UnroutableError:
            print(f"publish-request.py: no queue is bound to {EXCHANGE}: start ReportSaga first (the message was dropped)", file=sys.stderr)
            return 3
    finally:
        if connection.is_open:
            connection.close()

    print(f"published RequestReport requestId={request_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
