#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build
ctest --output-on-failure -j "${VKD_JOBS:-$(nproc)}" --timeout 600
