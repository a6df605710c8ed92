#!/usr/bin/env bash
# make.sh — PNG screenshots of real `neotui demo` screens, for the README.
#
# Usage: screenshots/make.sh [NAME…]    (from any directory; Debian, root or sudo)
#
# Builds neotui from this checkout, runs `neotui demo` in a detached tmux of a
# fixed size, types at it with send-keys, captures the screen with its colours,
# turns that into HTML (ansi2html.py, beside this script) and photographs the
# page with headless Chromium. Writes leads, transcript, filter, search, narrow
# and stats .png next to this script, or only the NAMEs given. Safe to run
# again: it only overwrites them.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
WORK=$(mktemp -d)                 # binary, captures, HTML, Chromium profile
SOCKET="neotui-shots-$$"          # a private tmux server: the user's is untouched
trap 'tmux -L "$SOCKET" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT

# ensure_packages installs the Debian packages that are missing; apt-get update
# runs only when something has to be installed, so a second run is quick.
ensure_packages() {
  local pkg missing=()
  # tmux runs the app; chromium takes the picture; the fonts give it a real
  # terminal look: DejaVu Sans Mono for text and box drawing, WenQuanYi for the
  # sample data's Chinese and Japanese names, Noto for its emoji.
  for pkg in tmux chromium fonts-dejavu-core fonts-wqy-microhei fonts-noto-color-emoji; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  command -v python3 >/dev/null || missing+=(python3)   # runs ansi2html.py
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "make.sh: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# t runs tmux against the private server; -u because the screens are UTF-8
# whatever this shell's locale, -f /dev/null so no user config changes them.
t() { tmux -L "$SOCKET" -u -f /dev/null "$@"; }
screen() { t capture-pane -p -t shot; }
keys() { t send-keys -t shot "$@"; }
typed() { t send-keys -t shot -l "$1"; }   # -l: literal text, not key names

# start runs a fresh demo at COLS x ROWS and waits for its first sync to end,
# so every picture starts from the same state, with the data in place.
start() {
  t new-session -d -s shot -x "$1" -y "$2" -e TERM=xterm-256color \
    -e COLORTERM=truecolor -e LANG=C.UTF-8 "$WORK/neotui" demo
  t set -t shot status off   # the pane must be the whole COLS x ROWS
  wait_for synced
}

# wait_for polls the screen until TEXT is on it (rather than sleeping long),
# then lets the frame settle. Gives up after ~15 s, showing what it saw.
wait_for() {
  for _ in $(seq 150); do
    if [[ $(screen) == *"$1"* ]]; then settle; return; fi
    sleep 0.1
  done
  echo "make.sh: '$1' never appeared; the screen was:" >&2
  screen >&2
  exit 1
}

# settle waits until two captures 0.15 s apart match, so a frame that is
# still being drawn (or a key not yet handled) is not photographed.
settle() {
  local now last=""
  for _ in $(seq 20); do
    now=$(t capture-pane -e -p -t shot)
    [ "$now" = "$last" ] && return
    last=$now
    sleep 0.15
  done
}

# press_until presses KEY until TEXT is on the screen (at most 40 times).
press_until() {
  for _ in $(seq 40); do
    [[ $(screen) == *"$1"* ]] && { settle; return; }
    keys "$2"
    sleep 0.2
  done
  wait_for "$1"   # one last look; fails loudly if it is not there
}

# shoot captures the screen with its colours (-e) and photographs it as NAME.png.
shoot() {
  local size cols rows
  read -r cols rows < <(t display -p -t shot '#{pane_width} #{pane_height}')
  t capture-pane -e -p -t shot >"$WORK/$1.ans"
  size=$(python3 "$HERE/ansi2html.py" "$cols" "$rows" "$WORK/$1.html" <"$WORK/$1.ans")
  mkdir -p "$WORK/chromium"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d -p "$WORK/chromium")" \
    --hide-scrollbars --window-size="$size" --screenshot="$HERE/$1.png" \
    "file://$WORK/$1.html" >>"$WORK/chromium.log" 2>&1 ||
    { cat "$WORK/chromium.log" >&2; exit 1; }
  echo "wrote screenshots/$1.png (${size/,/x}, ${cols}x${rows} cells)"
}

# stop quits as a user would, so the demo deletes its throwaway store: esc
# leaves a filter or a detail; in Search the first esc clears the query and
# the second leaves the box (where q would just be typed); then q.
stop() {
  local key
  for key in Escape Escape q; do
    keys "$key"; sleep 0.3   # apart, or esc and q arrive as alt+q
  done
  gone && return
  echo "make.sh: the demo did not quit on q; killing it" >&2
  t kill-session -t shot
}

# gone waits up to 2 s for the demo to exit (its session then closes).
gone() {
  for _ in $(seq 20); do
    t has-session -t shot 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# The Leads tab as it opens: the list with the selected lead's detail beside it.
shot_leads() { start 120 36; shoot leads; stop; }

# Conversations: step down until the transcript shows a Markdown table.
shot_transcript() {
  start 120 36
  keys 2; wait_for "│ Conversation "
  press_until "┼" j
  shoot transcript; stop
}

# The live filter: "/" then a name fragment narrows the list as it is typed.
shot_filter() {
  start 120 36
  keys /; typed luc; wait_for "/ luc"
  shoot filter; stop
}

# Search: results appear as the query is typed.
shot_search() {
  start 120 36
  keys 3; typed precio; wait_for 'for "precio"'
  shoot search; stop
}

# A small terminal: enter on a lead opens its detail as the only pane.
shot_narrow() {
  start 80 24
  keys Enter; wait_for "── Conversation"
  shoot narrow; stop
}

# Stats: the last 30 days against the 30 before, once those are synced too.
shot_stats() {
  start 120 36
  keys 4; wait_for "older history"
  shoot stats; stop
}

ensure_packages
(cd "$REPO" && go build -o "$WORK/neotui" .)
names=("$@")   # make.sh stats: that one alone
[ ${#names[@]} -gt 0 ] || names=(leads transcript filter search narrow stats)
for name in "${names[@]}"; do "shot_$name"; done
