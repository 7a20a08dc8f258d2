#!/usr/bin/env bash
# Runs the Python package's tests with the given interpreter; exit 77 (ctest:
# skipped) when it has no numpy (Debian: python3-numpy, which setup.sh installs).
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
PY="$1"
PKG="$2"
"$PY" -c "import numpy" 2>/dev/null || { echo "no numpy for $PY (apt-get install python3-numpy)"; exit 77; }
PYTHONPATH="$PKG" exec "$PY" -m unittest discover -s "$PKG/tests" -v
