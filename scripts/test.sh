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
cd build
ctest --output-on-failure -j "${VKD_JOBS:-$(nproc)}" --timeout 600
