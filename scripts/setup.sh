#!/usr/bin/env bash
# Set up coach on Debian/Ubuntu: system audio packages, then coach in a virtual environment
# (.venv), with a `coach` command linked into ~/.local/bin.
#   bash scripts/setup.sh          to use coach
#   bash scripts/setup.sh --test   also the test tools (pytest, hypothesis)
set -euo pipefail
cd "$(dirname "$0")/.."

extra=""
case "${1:-}" in
  --test) extra="[test]" ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "Installing system packages: ${missing[*]}"
  if [ -z "${apt_updated:-}" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_packages python3-venv espeak-ng libpulse0 libportaudio2 libasound2-plugins alsa-utils pulseaudio-utils sox flite

# A desktop's sound server (PulseAudio, or PipeWire's PulseAudio service) is used as it is;
# PulseAudio is installed only where none answers and no PipeWire runs.
if server=$(pactl info 2>/dev/null | sed -n 's/^Server Name: //p') && [ -n "$server" ]; then
  echo "Sound server found: $server"
elif pgrep -x pipewire >/dev/null 2>&1; then
  echo "PipeWire runs without its PulseAudio service: install pipewire-pulse (coach talks to it)"
else
  install_packages pulseaudio
  # A desktop session starts PulseAudio itself; on a machine without one (a server, a container)
  # start it now, so `coach run` speaks (into a silent output if there is no sound card).
  pulseaudio --start --exit-idle-time=-1 >/dev/null 2>&1 || true
  if pactl info >/dev/null 2>&1; then
    echo "No sound server answered: PulseAudio is installed and started ($(pactl get-default-sink 2>/dev/null))"
  else
    echo "No sound server answered: PulseAudio is installed; start it with: pulseaudio --start"
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# A regular install, not an editable one: this is coach for use. From the checkout,
# `python -m coach` and the tests use the code as it is.
.venv/bin/python -m pip install -q ".$extra"

bin="$HOME/.local/bin"
mkdir -p "$bin"
# A link to a coach checkout's .venv (this one or another) is coach's own: point it here.
if [ ! -e "$bin/coach" ] && [ ! -L "$bin/coach" ] || [[ "$(readlink "$bin/coach")" == */.venv/bin/coach ]]; then
  ln -sf "$PWD/.venv/bin/coach" "$bin/coach"
  echo "coach is set up: $bin/coach links to $PWD/.venv/bin/coach"
  case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "Add $bin to your PATH to type \`coach\`: echo 'export PATH=\"\$HOME/.local/bin:\$PATH\"' >> ~/.bashrc" ;;
  esac
else
  echo "coach is set up: .venv/bin/coach ($bin/coach is another program, so it was left alone)"
fi
