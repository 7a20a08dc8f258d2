#!/usr/bin/env bash
# The ASan + UBSan build (clang; float-cast-overflow and alignment included,
# every report fatal) of the unit, ops and model tests, and the libFuzzer
# targets, in build-asan/. Runs the CPU-side suites under the sanitizers;
# scripts/fuzz.sh reuses the same build. CI runs both (scripts/test.sh).
#
#   scripts/sanitize.sh            build and run the sanitizer suites
#   scripts/sanitize.sh --build    only build
set -euo pipefail
cd "$(dirname "$0")/.."
TFLITE_DIR="$(scripts/setup.sh | tail -n 1)"
JOBS="${VKD_JOBS:-$(nproc)}"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DVKD_FUZZ=ON \
  -DVKD_TFLITE_DIR="$TFLITE_DIR" >/dev/null
cmake --build build-asan -j "$JOBS" --target vkd_unit_test vkd_ops_test vkd_models_test \
  vkd_fuzz_model vkd_fuzz_npy vkd_fuzz_plugin_options vkd-fuzz-seeds
[ "${1:-}" = --build ] && exit 0
# Leaks inside the uninstrumented TFLite library and the Vulkan loader are
# not ours to fix; the fuzzers check our own code for leaks.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
status=0
for t in vkd_unit_test vkd_ops_test vkd_models_test; do
  # The GPU cases (the models suite's, the ops suite's GPU backends) run
  # lavapipe's JIT under ASan for minutes; the GPU path is covered by the
  # ordinary suite with validation on.
  filter='*'
  [ "$t" = vkd_models_test ] && filter='-*Gpu*:*EnableQuant*'
  [ "$t" = vkd_ops_test ] && filter='-*/Gpu*'
  echo "sanitize: $t"
  if ! build-asan/tests/$t --gtest_brief=1 --gtest_filter="$filter" > "build-asan/$t.log" 2>&1; then
    echo "sanitize: $t FAILED"; tail -40 "build-asan/$t.log"; status=1
  else
    grep -E '^\[  PASSED  \]|^\[==========\]' "build-asan/$t.log" | tail -2
  fi
done
exit $status
