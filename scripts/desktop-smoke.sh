#!/usr/bin/env bash
# Desktop smoke test: opens the real window under Xvfb with a fresh data folder, waits for
# the Join screen to paint, and saves a screenshot to docs/screenshots/desktop-join.png.
# Usage: scripts/desktop-smoke.sh [path/to/groundgame-desktop-binary]
# The binary must open the window when run without a subcommand (src/main.rs calls
# groundgame::ui::desktop::launch_desktop); GROUNDGAME_DATA points it at a temp folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${1:-$target/debug/groundgame}"
out="$root/docs/screenshots/desktop-join.png"
tmp="$(mktemp -d)"
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# Xvfb picks a free display itself and writes its number once it accepts clients: a fixed or
# random number can collide with another server or a stale lock, and a busy machine can take
# more than a few seconds to bring the server up.
Xvfb -displayfd 3 -screen 0 1024x900x24 -nolisten tcp 3>"$tmp/display" &
xvfb_pid=$!
for _ in $(seq 300); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
display=":$(tr -d '[:space:]' < "$tmp/display")"
export GROUNDGAME_KEYSTORE=off DISPLAY="$display" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" \
  XDG_DATA_HOME="$tmp/data" GROUNDGAME_DATA="$tmp/device"
ready=""
for _ in $(seq 300); do xdpyinfo >/dev/null 2>&1 && { ready=1; break; }; sleep 0.1; done
[ -n "$ready" ] || { echo "Xvfb on $display does not answer" >&2; exit 1; }
"$bin" &
app_pid=$!
wid=""
for _ in $(seq 300); do
  wid="$(xdotool search --name '^Groundgame$' 2>/dev/null | head -1 || true)"
  [ -n "$wid" ] && break
  sleep 0.1
done
[ -n "$wid" ] || { echo "the Groundgame window did not appear" >&2; exit 1; }
# Wait until the page has painted (a blank window is a single colour).
for _ in $(seq 100); do
  import -window root "$tmp/shot.png"
  colours="$(convert "$tmp/shot.png" -format '%k' info:)"
  [ "$colours" -gt 20 ] && break
  sleep 0.2
done
mkdir -p "$(dirname "$out")"
cp "$tmp/shot.png" "$out"
echo "screenshot: $out ($colours colours)"
[ "$colours" -gt 20 ] || { echo "the window stayed blank" >&2; exit 1; }
