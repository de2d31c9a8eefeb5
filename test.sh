#!/usr/bin/env bash
# Runs every test of the solution on a fresh Debian machine: installs what the tests need when it is missing
# (the .NET SDK is expected on PATH; redis-server comes from Debian's packages), then runs `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing redis-server (needed by the Redis store tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q redis-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }
  else
    echo "test.sh: redis-server is missing; install it with 'sudo apt-get install -y redis-server'" >&2
    exit 1
  fi
fi

# Mono's System.Web, its state server (asp-state4.exe) and a FastCGI host behind nginx, for the Mono end-to-end tests.
if ! command -v mono >/dev/null 2>&1 || ! command -v mcs >/dev/null 2>&1 || [ ! -f /usr/lib/xsp/4.0/asp-state4.exe ] \
  || ! command -v fastcgi-mono-server4 >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing mono-complete mono-xsp4 mono-fastcgi-server4 nginx-light (needed by the Mono tests)"
    export DEBIAN_FRONTEND=noninteractive
    packages="mono-complete mono-xsp4 mono-fastcgi-server4 nginx-light"
    apt-get install -y -q $packages >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }
  else
    echo "test.sh: Mono is missing; install it with 'sudo apt-get install -y mono-complete mono-xsp4 mono-fastcgi-server4 nginx-light'" >&2
    exit 1
  fi
fi

# Debian's chromium, driven headless by the side-by-side browser tests (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium (needed by the side-by-side browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    echo "test.sh: chromium is missing; install it with 'sudo apt-get install -y chromium'" >&2
    exit 1
  fi
fi

command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET 10 SDK is missing (https://dot.net)" >&2; exit 1; }

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
set +e
dotnet test SessionBridge.sln -c Release --nologo --logger "trx" --results-directory "$results" "$@"
status=$?

# The Redis suites once more on the newest StackExchange.Redis 3.x (the run above uses the 2.7.27 floor).
newest_redis_client=3.4.35
for project in tests/SessionBridge.Redis.Tests tests/SessionBridge.Redis.EndToEnd.Tests tests/SessionBridge.DistributedCache.RedisTests; do
  echo "test.sh: $project on StackExchange.Redis $newest_redis_client"
  dotnet test "$project" -c Release --nologo -p:StackExchangeRedisVersion=$newest_redis_client \
    --logger "trx;LogFilePrefix=redis3" --results-directory "$results" "$@" || status=1
done
# The SQL Server store's integration suite needs a real SQL Server, which cannot run on this project's machines.
if [ -n "${SESSIONBRIDGE_SQLSERVER:-}" ]; then
  dotnet test tests/SessionBridge.SqlServer.IntegrationTests/SessionBridge.SqlServer.IntegrationTests.csproj -c Release --nologo --logger "trx" --results-directory "$results"
  sql_status=$?
  if [ "$status" -eq 0 ]; then status=$sql_status; fi
else
  echo "test.sh: the SQL Server integration tests did not run; to run them, set SESSIONBRIDGE_SQLSERVER to a connection string to a database prepared by 'aspnet_regsql -ssadd'"
fi
set -e

# One closing line over every test project, from the TRX reports.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
