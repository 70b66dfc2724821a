#!/usr/bin/env bash
# Debian's chromium, for the tree page test (rstar-core TreePageTest opens the page headless and
# checks that every node renders without console errors). Idempotent: installs only when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "40-chromium: cannot install chromium (need root and apt-get); the tree page browser test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
