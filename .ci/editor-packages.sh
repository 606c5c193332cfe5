#!/usr/bin/env bash
# System packages for the editor tests (tests/editors), from Debian:
#   neovim 0.7.2 (the fallback path of clients/neovim/plantls.lua; 0.11+ comes from PyPI),
#   emacs-nox 28 + elpa-eglot (clients/emacs/plantls.el),
#   chromium, ripgrep, libkrb5-dev and a compiler (VS Code in code-server, driven headless).
# Installs only what is missing. Without root or apt-get it says what to install and exits 1.
set -euo pipefail
PACKAGES=(neovim emacs-nox elpa-eglot chromium ripgrep libkrb5-dev build-essential)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "editor tests need these Debian packages: ${missing[*]}" >&2
  echo "install them as root: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing for the editor tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
