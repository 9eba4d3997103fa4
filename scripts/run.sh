#!/usr/bin/env bash
# Runs Groundgame locally: builds everything, creates the demo campaign (a fictional town
# of about 20,000 voters) in .data/ on first run, starts the server on 127.0.0.1:8080, joins
# a canvasser's device to it and assigns it turf 1, lets a fleet of simulated teammates
# knock doors and sync, then opens the app's window on that canvasser's device. Without a
# display, the server keeps running until Ctrl-C (the app in a browser: see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

cargo build --release --workspace --bins
bin=target/release
data=${GROUNDGAME_DATA:-.data}
addr=${GROUNDGAME_ADDR:-127.0.0.1:8080}
mkdir -p "$data"

if [ ! -f "$data/server.sqlite" ]; then
  "$bin/groundgame-server" demo --data "$data/server.sqlite" | tee "$data/demo.txt"
fi
volunteer_invite=$(sed -n 's/^volunteer invite: //p' "$data/demo.txt")
lead_invite=$(sed -n 's/^lead invite: //p' "$data/demo.txt")

"$bin/groundgame-server" serve --data "$data/server.sqlite" --addr "$addr" &
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
echo "Server running at http://$addr (API description: http://$addr/api/v1/openapi.json)."
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening the app window (close it to stop the server)."
  GROUNDGAME_DATA="$data/device" "$bin/groundgame"
else
  echo "No display here. Serve the app to a browser instead with:"
  echo "  cargo run --release --features liveview --bin groundgame-liveview -- --addr 127.0.0.1:8081 --data $data/device"
  echo "Press Ctrl-C to stop."
  wait "$server"
fi
