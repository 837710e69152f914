#!/usr/bin/env python3
"""Creates ReportSaga's RabbitMQ users and their permissions from broker-access.json, through the management HTTP API.

    python3 apply-broker-access.py [--dry-run] [POLICY.json]      (default: broker-access.json next to this script)

Environment:
    RABBITMQ_MANAGEMENT_URL        e.g. http://rabbitmq:15672 (https works; SSL_CERT_FILE names a private CA)
    RABBITMQ_MANAGEMENT_USER       an administrator of the broker (creates users and sets permissions)
    RABBITMQ_MANAGEMENT_PASSWORD
    RABBITMQ_MANAGEMENT_WAIT       seconds to wait for the API to answer (default 120: a broker still booting)
    <passwordVariable>             one per user of the policy (the service's and each team's)

Idempotent: run it again after changing the policy or a password. It creates the virtual host if missing, creates or
updates each user (password, tags) and replaces its permissions on that virtual host. It never deletes: to remove a
team, delete its user on the broker (rabbitmqctl delete_user NAME) and its entry here. --dry-run prints the permissions
it would set, as JSON, and needs neither the API nor the passwords.

Python 3 standard library only, so it runs in the stock rabbitmq:3.x-management image (which ships python3 for
rabbitmqadmin). Passwords travel in the environment and the request bodies only: never in arguments, output or errors.

Exit codes: 0 applied; 2 the policy or the environment is wrong; 1 the broker refused or did not answer.
"""

import base64
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROLES = ("publisher", "subscriber")
# masstransit: MassTransit declares (exchange.declare, not passive) every exchange it publishes to or binds from, and
# RabbitMQ checks "configure" for that, so such a client needs configure on the public exchanges of its role. That
# also lets it delete them (see README, "Broker permissions"). amqp: a plain client that only publishes to and binds
# from the exchanges ReportSaga declared gets no configure on them at all.
CLIENTS = ("masstransit", "amqp")
# Tags other than management grant broker-wide powers (policymaker may change the policies of the virtual host).
ALLOWED_TAGS = ("", "management")
# A team owns every queue and exchange named "<name>.…". ReportSaga's own names (report-requests, report-state,
# ReportSaga.Contracts:…, ReportSaga.Orchestration.…) have no dot after a lower-case first word, so no team name can
# reach them; amq.* is the broker's own (amq.gen-… server-named queues, amq.topic, …).
TEAM_NAME = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
RESERVED_TEAM_NAMES = ("amq",)


class PolicyError(Exception):
    """The policy file or the environment is wrong: exit code 2."""


class BrokerError(Exception):
    """The broker refused a request or did not answer: exit code 1."""


def escape(name):
    """The name as a literal inside a RabbitMQ permission regex (Erlang re, PCRE syntax)."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", name)


def pattern(alternatives):
    """One anchored regex matching exactly the given alternatives (each already a regex)."""
    return "^(?:" + "|".join(alternatives) + ")$"


def exact(names):
    return [escape(name) for name in names]


def team_permissions(team, input_exchanges, event_exchanges):
    """configure/write/read regexes for a team: its own names, plus what its roles may do with the public exchanges.

    RabbitMQ checks: declaring or deleting a queue or exchange needs configure on it; publishing needs write on the
    exchange; consuming needs read on the queue; binding needs write on the queue or exchange bound (the destination)
    and read on the exchange bound from (the source)."""
    own = [escape(team["name"]) + r"\..+"]
    configure, write, read = list(own), list(own), list(own)
    masstransit = team["client"] == "masstransit"
    if "publisher" in team["roles"]:
        write += exact(input_exchanges)
        if masstransit:
            configure += exact(input_exchanges)
    if "subscriber" in team["roles"]:
        read += exact(event_exchanges)
        if masstransit:
            configure += exact(event_exchanges)
    return {"configure": pattern(configure), "write": pattern(write), "read": pattern(read)}


def load_policy(path):
    try:
        with open(path, encoding="utf-8") as file:
            policy = json.load(file)
    except (OSError, ValueError) as error:
        raise PolicyError(f"cannot read the policy {path}: {error}") from None

    def need(container, key, kind, where):
        value = container.get(key) if isinstance(container, dict) else None
        if not isinstance(value, kind) or (kind is not bool and not value):
            raise PolicyError(f"{where}: '{key}' must be a non-empty {kind.__name__}")
        return value

    vhost = need(policy, "vhost", str, path)
    inputs = need(policy, "inputExchanges", list, path)
    events = need(policy, "eventExchanges", list, path)
    for name in inputs + events:
        if not isinstance(name, str) or not name or name.startswith("amq."):
            raise PolicyError(f"{path}: exchange names must be non-empty strings outside amq.*, not {name!r}")
    if set(inputs) & set(events):
        raise PolicyError(f"{path}: an exchange cannot be both an input and an event exchange")

    service = need(policy, "service", dict, path)
    users = [{
        "user": need(service, "user", str, "service"),
        "passwordVariable": need(service, "passwordVariable", str, "service"),
        "tags": "",
        # The service declares and owns everything on its virtual host.
        "permissions": {"configure": ".*", "write": ".*", "read": ".*"},
    }]

    teams = policy.get("teams", [])
    if not isinstance(teams, list):
        raise PolicyError(f"{path}: 'teams' must be a list")
    for index, team in enumerate(teams):
        where = f"teams[{index}]"
        name = need(team, "name", str, where)
        if not TEAM_NAME.match(name) or name in RESERVED_TEAM_NAMES:
            raise PolicyError(f"{where}: name {name!r} must match {TEAM_NAME.pattern} and not be one of {RESERVED_TEAM_NAMES}")
        roles = need(team, "roles", list, where)
        if any(role not in ROLES for role in roles) or len(set(roles)) != len(roles):
            raise PolicyError(f"{where}: roles must be distinct values among {ROLES}, not {roles}")
        client = team.get("client", "amqp")
        if client not in CLIENTS:
            raise PolicyError(f"{where}: client must be one of {CLIENTS}, not {client!r}")
        tags = team.get("tags", "")
        if tags not in ALLOWED_TAGS:
            raise PolicyError(f"{where}: tags must be one of {ALLOWED_TAGS}, not {tags!r}")
        users.append({
            "user": name,
            "passwordVariable": need(team, "passwordVariable", str, where),
            "tags": tags,
            "permissions": team_permissions({"name": name, "roles": roles, "client": client}, inputs, events),
        })

    names = [user["user"] for user in users]
    if len(set(names)) != len(names):
        raise PolicyError(f"{path}: user names must be distinct (the service's and each team's): {names}")
    return vhost, users


class ManagementApi:
    def __init__(self, url, user, password, wait_seconds):
        self._base = url.rstrip("/") + "/api/"
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        self._headers = {"Authorization": "Basic " + token, "Content-Type": "application/json"}
        parts = urllib.parse.urlsplit(url)
        # Without the user info a URL may carry: errors name the broker, never a credential.
        host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
        self._display = parts._replace(netloc=host).geturl().rstrip("/")
        self._wait_seconds = wait_seconds

    def wait_until_up(self):
        """A broker that has just started answers pings before its management API listens."""
        deadline = time.monotonic() + self._wait_seconds
        while True:
            try:
                self._request("GET", "overview")
                return
            except BrokerError as error:
                if getattr(error, "status", None) in (401, 403) or time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def put(self, path, body):
        self._request("PUT", path, body)

    def exists(self, path):
        try:
            self._request("GET", path)
            return True
        except BrokerError as error:
            if getattr(error, "status", None) == 404:
                return False
            raise

    def _request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self._base + path, data=data, method=method, headers=self._headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # The path names the object (never a password); the answer is the broker's reason.
            reason = error.read().decode("utf-8", "replace")[:300]
            failure = BrokerError(f"{self._display} answered {error.code} to {method} /api/{path}: {reason}")
            failure.status = error.code
            raise failure from None
        except (urllib.error.URLError, OSError) as error:
            raise BrokerError(f"{self._display} did not answer {method} /api/{path}: {error}") from None


def quote(segment):
    return urllib.parse.quote(segment, safe="")


def apply(vhost, users):
    settings = {}
    for variable in ("RABBITMQ_MANAGEMENT_URL", "RABBITMQ_MANAGEMENT_USER", "RABBITMQ_MANAGEMENT_PASSWORD"):
        settings[variable] = os.environ.get(variable, "")
        if not settings[variable]:
            raise PolicyError(f"{variable} is not set")
    passwords = {}
    for user in users:
        password = os.environ.get(user["passwordVariable"], "")
        if not password:
            raise PolicyError(f"{user['passwordVariable']} (the password of user {user['user']}) is not set")
        passwords[user["user"]] = password
    try:
        wait_seconds = float(os.environ.get("RABBITMQ_MANAGEMENT_WAIT", "120"))
    except ValueError:
        raise PolicyError("RABBITMQ_MANAGEMENT_WAIT must be a number of seconds") from None

    api = ManagementApi(settings["RABBITMQ_MANAGEMENT_URL"], settings["RABBITMQ_MANAGEMENT_USER"],
                        settings["RABBITMQ_MANAGEMENT_PASSWORD"], wait_seconds)
    api.wait_until_up()
    # Created when missing only: on a broker run by others, an existing virtual host keeps its own settings.
    if not api.exists(f"vhosts/{quote(vhost)}"):
        api.put(f"vhosts/{quote(vhost)}", {"description": "ReportSaga"})
    for user in users:
        api.put(f"users/{quote(user['user'])}", {"password": passwords[user["user"]], "tags": user["tags"]})
        api.put(f"permissions/{quote(vhost)}/{quote(user['user'])}", user["permissions"])
        permissions = user["permissions"]
        print(f"{user['user']} on {vhost}: configure {permissions['configure']}  write {permissions['write']}  "
              f"read {permissions['read']}", flush=True)


def main(arguments):
    dry_run = "--dry-run" in arguments
    rest = [argument for argument in arguments if argument != "--dry-run"]
    if len(rest) > 1 or any(argument.startswith("-") for argument in rest):
        print(__doc__, file=sys.stderr)
        return 2
    path = rest[0] if rest else os.path.join(os.path.dirname(os.path.abspath(__file__)), "broker-access.json")
    try:
        vhost, users = load_policy(path)
        if dry_run:
            print(json.dumps({"vhost": vhost, "users": [
                {"user": user["user"], "tags": user["tags"], **user["permissions"]} for user in users]}, indent=2))
            return 0
        apply(vhost, users)
        return 0
    except PolicyError as error:
        print(f"apply-broker-access: {error}", file=sys.stderr)
        return 2
    except BrokerError as error:
        print(f"apply-broker-access: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
