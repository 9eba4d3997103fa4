#!/usr/bin/env bash
# Runs Groundgame locally: builds everything, creates the demo campaign (a fictional town
# of about 20,000 voters) in .data/ on first run, starts the server on 127.0.0.1:8080, joins
# a canvasser's device to it and assigns it turf 1, lets a fleet of simulated teammates
# knock doors and sync, then opens the app's window on that canvasser's device. Without a
# display, it serves the same app to a browser on 127.0.0.1:8081 (GROUNDGAME_APP_ADDR) and
# prints the address; both keep running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

cargo build --release --workspace --bins
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  cargo build --release --features liveview --bin groundgame-liveview
fi
bin=target/release
data=${GROUNDGAME_DATA:-.data}
addr=${GROUNDGAME_ADDR:-127.0.0.1:8080}
mkdir -p "$data"

if [ ! -f "$data/server.sqlite" ]; then
  "$bin/groundgame-server" demo --data "$data/server.sqlite" | tee "$data/demo.txt"
fi
volunteer_invite=$(sed -n 's/^volunteer invite: //p' "$data/demo.txt")
lead_invite=$(sed -n 's/^lead invite: //p' "$data/demo.txt")

# The server's log goes to a file, so the terminal shows what the user came for.
"$bin/groundgame-server" serve --data "$data/server.sqlite" --addr "$addr" 2>>"$data/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://$addr/api/v1/health" >/dev/null && break
  sleep 0.1
done

if [ ! -f "$data/device/groundgame.sqlite" ]; then
  "$bin/groundgame" join --server "http://$addr" --invite "$volunteer_invite" \
    --name "Demo Canvasser" --data "$data/device" | tee "$data/device.txt"
  volunteer=$(sed -n 's/^volunteer: //p' "$data/device.txt")
  "$bin/groundgame-server" assign --data "$data/server.sqlite" --turf 1 --volunteers "$volunteer"
fi
"$bin/groundgame" sync --data "$data/device"
"$bin/groundgame" status --data "$data/device"

echo
echo "Simulating 20 canvassers recording doors offline and syncing:"
"$bin/groundgame-sim" --server "http://$addr" --invite "$volunteer_invite" \
  --lead-invite "$lead_invite" --devices 20 --events 200

echo
echo "Server running at http://$addr (API description: http://$addr/api/v1/openapi.json; its log: $data/server.log)."
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening the app window (close it to stop the server)."
  GROUNDGAME_DATA="$data/device" "$bin/groundgame"
else
  app_addr=${GROUNDGAME_APP_ADDR:-127.0.0.1:8081}
  "$bin/groundgame-liveview" --addr "$app_addr" --data "$data/device" >"$data/liveview.txt" &
  app=$!
  trap 'kill $server $app 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    grep -q '^listening on ' "$data/liveview.txt" 2>/dev/null && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.1
  done
  url=$(sed -n 's/^listening on //p' "$data/liveview.txt" | head -1)
  if [ -z "$url" ]; then
    echo "The app could not be served on $app_addr (is something else using it? set GROUNDGAME_APP_ADDR)." >&2
    exit 1
  fi
  echo "No display here, so the app is served to a browser instead."
  echo "Open the demo canvasser's app at: $url"
  echo "Press Ctrl-C to stop."
  wait "$server"
fi
