#!/usr/bin/env bash
# Debian's python3-torch (1.13, CPU) with libopenblas0-pthread, the anchor of rstar-train's
# autodiff checks (Qwen2TorchReferenceTest: loss, every gradient and two AdamW steps of a decoder
# against an independent PyTorch Qwen2) and of the training benchmark. Without libopenblas0-pthread
# Debian's torch runs on the reference BLAS (~40x slower). Idempotent: installs only what is
# missing. Cost measured on Debian 12 over a base of required/important packages plus python3:
# 312 packages, 238 MB download, 960 MB installed, about 3-4 minutes (download, unpack, byte
# compilation) on a loaded 2-core machine.
set -euo pipefail
missing=()
for p in python3-torch libopenblas0-pthread; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "30-python-torch: cannot install ${missing[*]} (need root and apt-get); the PyTorch gradient checks will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
