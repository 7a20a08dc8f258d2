#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# GPU tests run on Mesa's lavapipe (software Vulkan) so they pass on any
# machine; VKD_USE_SYSTEM_VULKAN=1 runs them on the system's default driver.
if [ "${VKD_USE_SYSTEM_VULKAN:-0}" != 1 ]; then
  export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
  export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
fi
(cd build && ctest --output-on-failure -j "${VKD_JOBS:-$(nproc)}" --timeout 600)
# The same code under ASan + UBSan (clang), then each libFuzzer target for a
# bounded time (VKD_FUZZ_SECONDS, default 60; 0 skips): any report fails.
scripts/sanitize.sh
# A fixed seed: every CI run replays the same mutation sequence (checked
# clean), so a finding is a regression, never the luck of the draw; longer
# random runs (scripts/fuzz.sh without VKD_FUZZ_SEED) hunt for new ones.
if [ "${VKD_FUZZ_SECONDS:-60}" != 0 ]; then
  VKD_FUZZ_SEED="${VKD_FUZZ_SEED:-20261204}" scripts/fuzz.sh all "${VKD_FUZZ_SECONDS:-60}"
fi
echo "test.sh: ctest, sanitizer suites and fuzzing passed"
