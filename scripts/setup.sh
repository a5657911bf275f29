#!/usr/bin/env bash
# Set up coach on Debian/Ubuntu: system audio packages, then a virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(python3-venv espeak-ng libpulse0 libportaudio2 libasound2-plugins alsa-utils pulseaudio pulseaudio-utils sox flite)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "coach is set up: .venv/bin/coach --help"
