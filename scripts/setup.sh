#!/usr/bin/env bash
# Installs what vkdelegate needs on Debian 12 and fetches the reference TFLite
# 2.9 C library (npm package tfjs-tflite-node@0.0.2) into a cache outside git.
# Idempotent: a second run does nothing but check.
#
# Environment: VKD_CACHE_DIR (default ~/.cache/vkdelegate).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  glslang-dev glslang-tools spirv-tools libshaderc-dev glslc
  libflatbuffers-dev flatbuffers-compiler libglm-dev libgtest-dev libgmock-dev
  nlohmann-json3-dev libxnnpack-dev libpthreadpool-dev librsvg2-bin python3-numpy
  clang libclang-rt-14-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with a Node.js install rather than from Debian.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$(dirname "$0")/fetch_tflite.sh"
