#!/usr/bin/env bash
# Builds the solution once and runs every test project; the last line printed is `N passed, N failed`.
#
# Servers for the integration tests, first match wins:
#   1. REPORTSAGA_TEST_RABBITMQ / REPORTSAGA_TEST_POSTGRES (and optionally REPORTSAGA_TEST_RABBITMQ_MANAGEMENT)
#      as given;
#   2. a Docker engine that answers `docker info`: the tests start containers with Testcontainers;
#   3. otherwise local Debian packages: installs rabbitmq-server and postgresql when missing, starts them
#      when stopped (running ones are reused), and exports the variables above.
# The Python sample's test needs a Python 3 with pika: REPORTSAGA_TEST_PYTHON, else /usr/bin/python3 with Debian's
# python3-pika (installed when missing and apt-get is there). The observability tests need promtool (Debian's
# prometheus, installed the same way).
# python3-pika (installed when missing and apt-get is there). The operator console's browser tests need Debian's
# chromium and chromium-driver (installed when missing and apt-get is there).
# Results: one trx file per test project in artifacts/test-results/ (override with REPORTSAGA_TEST_RESULTS).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# rabbitmqctl and friends live in sbin, which a non-login root shell may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS_DIR="${REPORTSAGA_TEST_RESULTS:-artifacts/test-results}"
# A hung test is killed after this long, and a whole test project after PROJECT_TIMEOUT, so CI cannot stall.
HANG_TIMEOUT="${REPORTSAGA_TEST_HANG_TIMEOUT:-5m}"
PROJECT_TIMEOUT="${REPORTSAGA_TEST_PROJECT_TIMEOUT:-20m}"
# The local PostgreSQL role the tests connect as (a superuser: each test class creates its own database).
PG_TEST_ROLE="reportsaga_test"

passed=0
failed=0
# Whatever happens (a failed install, a broken build), the closing line is the count.
trap 'echo "$passed passed, $failed failed"' EXIT

log() { echo "[test] $*"; }

can_connect() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_until() { # wait_until SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "gave up waiting for $what after ${seconds}s"
            return 1
        fi
        sleep 1
    done
}

install_missing_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_local_rabbitmq() {
    if rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; then
        log "RabbitMQ: reusing the running local broker"
    else
        log "RabbitMQ: starting the local broker"
        rabbitmq-server -detached >/dev/null 2>&1 || true
        # The first calls fail while the node boots.
        wait_until 120 "RabbitMQ to start" rabbitmqctl -q await_startup --timeout 10
    fi
    # The fixture creates a virtual host per test class through the management HTTP API.
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null
    wait_until 60 "RabbitMQ's management API" can_connect 127.0.0.1 15672
    # guest/guest is allowed on loopback only, which is where the tests connect.
    export REPORTSAGA_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"
    export REPORTSAGA_TEST_RABBITMQ_MANAGEMENT="http://guest:guest@127.0.0.1:15672/"
}

start_local_postgres() {
    local version name port status
    if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
        version=$(ls /usr/lib/postgresql | sort -n | tail -1)
        log "PostgreSQL: creating cluster $version/main"
        pg_createcluster "$version" main >/dev/null
    fi
    read -r version name port status _ < <(pg_lsclusters -h | head -1)
    if [[ "$status" == online* ]]; then
        log "PostgreSQL: reusing the running cluster $version/$name on port $port"
    else
        log "PostgreSQL: starting cluster $version/$name on port $port"
        pg_ctlcluster "$version" "$name" start
    fi
    wait_until 60 "PostgreSQL to accept connections" pg_isready -q -h 127.0.0.1 -p "$port"
    # A role of the tests' own, so the script never changes the password of a role others use.
    su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_TEST_ROLE') THEN CREATE ROLE $PG_TEST_ROLE; END IF;
END \$\$;
ALTER ROLE $PG_TEST_ROLE WITH LOGIN SUPERUSER PASSWORD '$PG_TEST_ROLE';
SQL
    export REPORTSAGA_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$PG_TEST_ROLE;Password=$PG_TEST_ROLE;Database=postgres"
}

provision_servers() {
    if [[ -n "${REPORTSAGA_TEST_RABBITMQ:-}" && -n "${REPORTSAGA_TEST_POSTGRES:-}" ]]; then
        log "servers: the ones given by REPORTSAGA_TEST_RABBITMQ and REPORTSAGA_TEST_POSTGRES"
        return
    fi
    if command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; then
        log "servers: Docker answers, the tests start containers with Testcontainers"
        return
    fi
    log "servers: no Docker engine, using local Debian packages"
    local packages=()
    [[ -z "${REPORTSAGA_TEST_RABBITMQ:-}" ]] && packages+=(rabbitmq-server)
    [[ -z "${REPORTSAGA_TEST_POSTGRES:-}" ]] && packages+=(postgresql)
    install_missing_packages "${packages[@]}"
    [[ -z "${REPORTSAGA_TEST_RABBITMQ:-}" ]] && start_local_rabbitmq
    [[ -z "${REPORTSAGA_TEST_POSTGRES:-}" ]] && start_local_postgres
    return 0
}

# Reads one counter (passed, failed, ...) from a trx file's <Counters> element.
trx_counter() {
    grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]\+" || echo 0
}

# samples/publish-request.py is run by a test, with a Python 3 that has pika: Debian's python3-pika.
provision_python() {
    if [[ -n "${REPORTSAGA_TEST_PYTHON:-}" ]] || /usr/bin/python3 -c "import pika" >/dev/null 2>&1; then
        return 0
    fi
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
        install_missing_packages python3-pika
    else
        log "no python3 with pika and no apt-get as root: the Python sample's test will say what is missing"
    fi
}

# The observability tests validate deploy/observability with promtool: Debian's prometheus package.
provision_promtool() {
    command -v promtool >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
        install_missing_packages prometheus
    else
        log "no promtool and no apt-get as root: the Prometheus configuration tests will say what is missing"
    fi
}

# The operator console's browser tests drive Debian's chromium through its chromedriver (the browser vendors' download
# sites are out of reach, so Selenium Manager cannot fetch one); they fail, never skip, when neither is there.
provision_browser() {
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        return 0
    fi
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
        install_missing_packages chromium chromium-driver
    else
        log "no /usr/bin/chromium and chromedriver and no apt-get as root: the browser tests will say what is missing"
    fi
}

provision_servers
provision_python
provision_promtool
provision_browser

# The .NET samples install ReportSaga.Contracts as a package from artifacts/packages (nuget.config), so it is
# packed first: a package that does not pack, or lacks what the samples use, fails the run here or in their build.
PACKAGES_DIR="artifacts/packages"
log "packing ReportSaga.Contracts into $PACKAGES_DIR"
rm -rf "$PACKAGES_DIR"
# NuGet keeps an extracted copy per version; a repack under the same version must not be shadowed by it.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/reportsaga.contracts"
if ! dotnet pack src/ReportSaga.Contracts -c "$CONFIGURATION" -o "$PACKAGES_DIR" -p:TreatWarningsAsErrors=true -clp:ErrorsOnly -v:q; then
    log "packing the contracts failed; no test ran"
    failed=1
    exit 1
fi

log "building ReportSaga.sln ($CONFIGURATION, warnings as errors)"
if ! dotnet build ReportSaga.sln -c "$CONFIGURATION" -p:TreatWarningsAsErrors=true -clp:ErrorsOnly -v:q; then
    log "the build failed; no test ran"
    failed=1
    exit 1
fi

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
status=0
for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    log "running $name"
    if ! timeout --kill-after=30s "$PROJECT_TIMEOUT" dotnet test "$project" -c "$CONFIGURATION" --no-build \
        --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS_DIR" \
        --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none; then
        status=1
    fi
    trx="$RESULTS_DIR/$name.trx"
    if [[ ! -f "$trx" ]]; then
        log "$name wrote no results (crashed or timed out): counted as one failure"
        failed=$((failed + 1))
        status=1
        continue
    fi
    p=$(trx_counter "$trx" passed)
    f=$(($(trx_counter "$trx" failed) + $(trx_counter "$trx" error) + $(trx_counter "$trx" timeout) + $(trx_counter "$trx" aborted)))
    log "$name: $p passed, $f failed"
    if ((p + f == 0)); then
        log "$name ran no test: counted as a failure of the run"
        status=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done

log "results: $(cd "$RESULTS_DIR" && pwd)/*.trx"
if ((passed + failed == 0)); then
    log "no test ran"
    status=1
fi
((failed > 0)) && status=1
exit "$status"
