#!/usr/bin/env bash
# Property-tests the API from its own OpenAPI document: Schemathesis (from PyPI) generates
# requests for every operation the document lists and checks each answer — no 5xx, every
# status, header and body as the document says — against the real server process on a
# demo campaign, once with no token and once with a valid token of each role (volunteer,
# lead), so the insider's requests are generated too.
#
# Usage: scripts/schemathesis.sh [examples per operation, default 50]
# Needs the debug server binary (cargo build -p groundgame-server); installs Schemathesis
# into target/schemathesis-venv on first run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
examples="${1:-50}"
venv="$root/target/schemathesis-venv"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis
fi
bin="${CARGO_TARGET_DIR:-$root/target}/debug/groundgame-server"
[ -x "$bin" ] || cargo build -p groundgame-server --bin groundgame-server

tmp="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"$bin" demo --data "$tmp/server.sqlite" --voters 300 >"$tmp/demo.txt"
volunteer_invite=$(sed -n 's/^volunteer invite: //p' "$tmp/demo.txt")
lead_invite=$(sed -n 's/^lead invite: //p' "$tmp/demo.txt")
"$bin" serve --data "$tmp/server.sqlite" --addr 127.0.0.1:0 >"$tmp/serve.txt" 2>"$tmp/server.log" &
server=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$tmp/serve.txt")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }

register() { # invite, name -> "token volunteer"
  curl -sf "$url/api/v1/register" -H 'content-type: application/json' -d \
    "{\"protocol\":1,\"invite_code\":\"$1\",\"volunteer_name\":\"$2\",\"device_name\":\"st\",\"app_version\":\"st\"}" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["token"], r["volunteer"])'
}
read -r volunteer_token volunteer_id < <(register "$volunteer_invite" "Schema Volunteer")
read -r lead_token _ < <(register "$lead_invite" "Schema Lead")
"$bin" assign --data "$tmp/server.sqlite" --turf 1 --volunteers "$volunteer_id" >/dev/null

# Every failure in full (the request to reproduce it, the answer) is kept here.
out="${CARGO_TARGET_DIR:-$root/target}/schemathesis"
mkdir -p "$out"
status=0
for role in anonymous volunteer lead; do
  header=()
  case "$role" in
    volunteer) header=(--header "Authorization: Bearer $volunteer_token") ;;
    lead) header=(--header "Authorization: Bearer $lead_token") ;;
  esac
  echo "== $role"
  set +e
  "$venv/bin/st" run "$url/api/v1/openapi.json" "${header[@]}" --checks all \
    --max-examples "$examples" --seed 1 --no-color >"$out/$role.txt" 2>&1
  rc=$?
  sed -n '/^Test Phases/,$p' "$out/$role.txt"
  set -e
  [ "$rc" -eq 0 ] || status=1
done
if grep -qE "panicked|ERROR" "$tmp/server.log"; then
  echo "the server logged errors:" >&2
  grep -E "panicked|ERROR" "$tmp/server.log" | head -20 >&2
  status=1
fi
exit "$status"
