#!/usr/bin/env bash
# Starts one ReportSaga report from a shell: publishes a plain JSON RequestReport (content type
# application/json, no MassTransit envelope) through RabbitMQ's management HTTP API. Needs bash, curl
# and base64 only, and the management plugin on the broker (the docker-compose broker has it).
#
#   samples/publish-request.sh [REPORT_BODY.json]
#
# REPORT_BODY.json is a Batch API request body (a JSON object, snake_case keys, sent unchanged);
# without it a built-in example is sent. Settings, from the environment:
#   RABBITMQ_MANAGEMENT_URL  the management API's base URL           (default http://localhost:15672)
#   RABBITMQ_VHOST           the virtual host ReportSaga uses         (default /)
#   RABBITMQ_USER / RABBITMQ_PASSWORD                                 (default guest / guest)
#   REQUEST_ID               the request id (the idempotency key)     (default: a new UUID)
#   MAX_CREDITS              refuse the report above this estimate    (default 5000; empty: no limit)
#   REQUESTED_BY             who asks, for operators                  (default samples-publish-request-sh)
# Prints the request id on success. Exit codes: 0 published and routed to a queue; 2 bad input;
# 3 nothing would read it (no exchange or no queue bound: start ReportSaga first); 4 refused
# credentials; 1 anything else.
set -euo pipefail

MANAGEMENT_URL="${RABBITMQ_MANAGEMENT_URL:-http://localhost:15672}"
VHOST="${RABBITMQ_VHOST:-/}"
USER_NAME="${RABBITMQ_USER:-guest}"
PASSWORD="${RABBITMQ_PASSWORD:-guest}"
MAX_CREDITS="${MAX_CREDITS-5000}"
REQUESTED_BY="${REQUESTED_BY:-samples-publish-request-sh}"
# MassTransit names a message type's exchange namespace:TypeName; ReportSaga's entry queue is bound to it.
EXCHANGE="ReportSaga.Contracts:RequestReport"

fail() { echo "publish-request.sh: $2" >&2; exit "$1"; }

new_uuid() {
    if [[ -r /proc/sys/kernel/random/uuid ]]; then cat /proc/sys/kernel/random/uuid
    elif command -v uuidgen >/dev/null; then uuidgen | tr 'A-Z' 'a-z'
    else fail 1 "cannot make a UUID here: set REQUEST_ID"; fi
}

# Percent-encodes one URL path segment (a vhost "/" becomes %2F).
url_segment() {
    local text=$1 out="" c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case "$c" in
            [A-Za-z0-9._~-]) out+="$c" ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# A JSON string literal for plain text.
json_string() {
    local s=$1
    s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
    printf '"%s"' "$s"
}

default_report() {
    cat <<'JSON'
{
  "report_name": "Monthly traffic - amazon.com vs ebay.com (shell sample)",
  "delivery_information": {
    "response_format": "csv",
    "delivery_method": "download_link",
    "delivery_method_params": { "retention_days": 30 }
  },
  "report_query": {
    "tables": [
      {
        "vtable": "traffic_and_engagement",
        "granularity": "monthly",
        "filters": { "domains": ["amazon.com", "ebay.com"], "countries": ["WW", "US"], "include_subdomains": true },
        "metrics": ["all_traffic_visits", "desktop_visits", "mobile_visits"],
        "start_date": "2024-01",
        "end_date": "2024-03"
      }
    ]
  }
}
JSON
}

(($# <= 1)) || fail 2 "usage: $0 [REPORT_BODY.json]"
if (($# == 1)); then
    [[ -r "$1" ]] || fail 2 "cannot read $1"
    report=$(<"$1")
else
    report=$(default_report)
fi
# No JSON parser here: check the shape only. ReportSaga refuses a malformed body itself.
[[ "$report" =~ ^[[:space:]]*\{ ]] || fail 2 "the report body must be a JSON object"
[[ -z "$MAX_CREDITS" || "$MAX_CREDITS" =~ ^[1-9][0-9]*$ ]] || fail 2 "MAX_CREDITS must be a positive whole number"
request_id="${REQUEST_ID:-$(new_uuid)}"
[[ "$request_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]] ||
    fail 2 "REQUEST_ID must be a UUID"

# The message itself: camelCase fields, the report body inside unchanged.
message="{\"requestId\":\"$request_id\",\"report\":$report"
[[ -n "$MAX_CREDITS" ]] && message+=",\"maxCredits\":$MAX_CREDITS"
message+=",\"requestedBy\":$(json_string "$REQUESTED_BY")}"

# Base64 payload encoding: the body travels byte for byte, with no second layer of JSON escaping.
# A message id per publish: ReportSaga's inbox needs one to recognise a redelivered message.
payload=$(printf '%s' "$message" | base64 | tr -d '\n')
body="{\"properties\":{\"content_type\":\"application/json\",\"delivery_mode\":2,\"message_id\":\"$(new_uuid)\"},"
body+="\"routing_key\":\"\",\"payload\":\"$payload\",\"payload_encoding\":\"base64\"}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s' "$body" >"$work/body.json"
# Credentials go to curl through a config on stdin, not its command line, where `ps` would show them.
esc_user=${USER_NAME//\\/\\\\}; esc_user=${esc_user//\"/\\\"}
esc_password=${PASSWORD//\\/\\\\}; esc_password=${esc_password//\"/\\\"}
url="${MANAGEMENT_URL%/}/api/exchanges/$(url_segment "$VHOST")/$(url_segment "$EXCHANGE")/publish"
status=$(printf 'user = "%s:%s"\n' "$esc_user" "$esc_password" |
    curl --silent --show-error --max-time 30 --config - \
        --header "content-type: application/json" --data-binary "@$work/body.json" \
        --output "$work/response" --write-out '%{http_code}' "$url") ||
    fail 1 "could not reach the management API at ${MANAGEMENT_URL%/}"

response=$(<"$work/response")
case "$status" in
    200)
        [[ "$response" == *'"routed":true'* ]] ||
            fail 3 "the broker took the message but no queue is bound to $EXCHANGE in vhost '$VHOST': start ReportSaga first (the message was dropped)"
        echo "published RequestReport requestId=$request_id"
        ;;
    401 | 403) fail 4 "the management API refused user '$USER_NAME' for vhost '$VHOST' (HTTP $status: wrong credentials, or no such vhost or no access to it)" ;;
    # A missing exchange comes back as HTTP 400 with the broker's 404 NOT_FOUND inside; a missing vhost as 404.
    400 | 404)
        [[ "$status" == 404 || "$response" == *NOT_FOUND* ]] || fail 1 "the management API answered HTTP $status: $response"
        fail 3 "no exchange $EXCHANGE in vhost '$VHOST': start ReportSaga against this broker first"
        ;;
    *) fail 1 "the management API answered HTTP $status: $response" ;;
esac
