#!/usr/bin/env bash
# device_run.sh: the one script to run on the remote NVIDIA (H200) machine, from the repository root.
# That machine has NVIDIA's Vulkan ICD but no Vulkan loader or glvnd (see ../shared/gpu/README.md):
# this unpacks the carried Debian packages (.gl/*.deb: libvulkan1 libglvnd0 libegl1 libgl1 libglx0
# libgles2 libopengl0 into /, and libxnnpack0 libpthreadpool0 libcpuinfo0, the CPU interpreter's
# float backend; vulkan-validationlayers into /tmp/vl), points the loader at NVIDIA's
# ICD, runs bench/gpu_bench.sh, then the GPU test binaries (validation layer on, as in CI), and
# prints one summary. Everything finishes within about 8 minutes (each step has its own limit).
#
#   bench/device_run.sh            env: BUILD=build-portable  MODELS=.dev/models  OUT=/tmp/out
#                                       RUNS=200  BENCH_BUDGET_S=200  T_GPU_OPS=90 T_GPU=45 T_MODELS=75 (s)
#   local trial on lavapipe (never unpack into / here):
#     SKIP_UNPACK=1 ICD=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json BUILD=build MODELS=../shared/models \
#       OUT=/tmp/dr RUNS=3 bench/device_run.sh
# Carried paths it expects (name them in the remote runner's carry): .gl, the build folder
# ($BUILD, a portable build: the default), .dev (models/, and tflite/ holding
# libtensorflowlite_c.so + libexternal_delegate_obj.so, directly or under linux_amd64/; optional
# images/ with cat.bmp and imagenet_labels.txt for vkd_models_test's classification test).
# $OUT gets at most 8 files (the runner's limit): summary.txt, table.txt, logs.tar.gz (every log
# and JSON), and the main vkd-bench JSON reports.
set -u
# Any Vulkan device: the best hardware GPU, else lavapipe (which vkdelegate
# uses only when asked for; the report then warns that it is a CPU device).
export VKD_DEVICE="${VKD_DEVICE:-any}"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build-portable}
MODELS=${MODELS:-.dev/models}
OUT=${OUT:-/tmp/out}
RUNS=${RUNS:-200}
BENCH_BUDGET_S=${BENCH_BUDGET_S:-200}
T_GPU_OPS=${T_GPU_OPS:-90} T_GPU=${T_GPU:-45} T_MODELS=${T_MODELS:-75}
LOGS=/tmp/vkd-device-run
rm -rf "$LOGS"; mkdir -p "$LOGS" "$OUT"
S=$LOGS/summary.txt; : > "$S"
T0=$(date +%s)
say() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$S"; }
to() { local t=$1; shift; timeout -k 5 "$t" "$@"; }

# --- Vulkan loader, glvnd, validation layer -------------------------------------------------------
if [ "${SKIP_UNPACK:-0}" = 1 ]; then
  say "SKIP_UNPACK=1: not unpacking .gl/lib*.deb into / (a local trial)"
elif ls .gl/lib*.deb >/dev/null 2>&1; then
  for f in .gl/lib*.deb; do dpkg -x "$f" / || say "dpkg -x $f failed"; done
  ldconfig
else
  say "no .gl/lib*.deb (carry .gl): relying on a system Vulkan loader"
fi
ldconfig -p | grep -q 'libvulkan.so.1' || say "WARNING: no libvulkan.so.1 after unpacking"
export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}
if ls .gl/vulkan-validationlayers_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/vl && dpkg -x .gl/vulkan-validationlayers_*.deb /tmp/vl
  export VK_LAYER_PATH=/tmp/vl/usr/share/vulkan/explicit_layer.d
  LD_LIBRARY_PATH=/tmp/vl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
else
  say "no .gl/vulkan-validationlayers_*.deb: tests that enable validation may fail or skip"
fi
ICD=${ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
[ -f "$ICD" ] || say "WARNING: no ICD manifest at $ICD"
export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD
export HOME=/tmp/home; mkdir -p "$HOME"

# --- TFLite 2.9 C library (the build's RUNPATH names the build machine's cache) --------------------
for d in .dev/tflite/linux_amd64 .dev/tflite; do
  if [ -f "$d/libtensorflowlite_c.so" ]; then LD_LIBRARY_PATH=$ROOT/$d:$LD_LIBRARY_PATH; break; fi
done
[ -d "$BUILD" ] || { say "FATAL: no build folder $BUILD (carry it)"; cp "$S" "$OUT/"; exit 2; }
for b in vkd-bench tests/vkd_ops_test tests/vkd_gpu_delegate_test tests/vkd_models_test; do
  [ -x "$BUILD/$b" ] || continue
  nf=$(ldd "$BUILD/$b" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')
  [ -n "$nf" ] && say "WARNING: $b cannot find: $nf(carry .dev/tflite/)"
done

# --- ../shared for the tests: VKD_SHARED_DIR is compiled in as <source dir>/../shared ---------------
SRC=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD/CMakeCache.txt" 2>/dev/null)
SHARED=${SRC:+$(dirname "$SRC")/shared}
if [ -n "$SHARED" ] && [ ! -d "$SHARED/models" ]; then
  for cand in "$ROOT/.dev/shared" "$ROOT/shared" "$ROOT/../shared"; do
    [ -d "$cand/models" ] && { mkdir -p "$(dirname "$SHARED")"; ln -sfn "$cand" "$SHARED"; break; }
  done
  if [ ! -d "$SHARED/models" ] && [ -d "$MODELS" ]; then
    mkdir -p "$SHARED" && ln -sfn "$ROOT/$MODELS" "$SHARED/models"
    [ -d .dev/images ] && ln -sfn "$ROOT/.dev/images" "$SHARED/images"
  fi
  say "tests' shared folder $SHARED -> $(readlink -f "$SHARED/models" 2>/dev/null)"
fi
NV=$(to 15 nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
say "nvidia-smi: ${NV:-n/a}"
say "icd library: $(grep -o '"library_path"[^,]*' "$ICD" 2>/dev/null)"

# --- the benchmark -------------------------------------------------------------------------------
mkdir -p "$LOGS/bench"
OUT=$LOGS/bench RUNS=$RUNS BUDGET_S=$BENCH_BUDGET_S BENCH_TIMEOUT=60 \
  to $(( BENCH_BUDGET_S + 30 )) bash bench/gpu_bench.sh "$BUILD" "$MODELS" > "$LOGS/gpu_bench.log" 2>&1
BRC=$?
say "gpu_bench rc=$BRC (0 ok, 3 warnings, 124 timed out)"
if grep -q 'FELL BACK\|not a real GPU\|vkd-gemm-bench failed' "$LOGS/bench/table.txt" 2>/dev/null || [ ! -s "$LOGS/bench/table.txt" ]; then
  VK_LOADER_DEBUG=error,warn,driver to 30 "$BUILD/vkd-gemm-bench" --runs=1 > "$LOGS/loader_debug.log" 2>&1
  say "no GPU run: the Vulkan loader says (loader_debug.log):"
  grep -iE 'error|warn|driver|ICD' "$LOGS/loader_debug.log" | grep -v 'Searching\|^ *$' | tail -8 | sed 's/^/    /' | tee -a "$S"
fi

# --- the GPU test binaries -------------------------------------------------------------------------
gtest() {  # NAME LIMIT BINARY [ARGS]
  local name=$1 t=$2 bin=$BUILD/tests/$3; shift 3
  if [ ! -x "$bin" ]; then say "$name: $bin not built"; return; fi
  to "$t" "$bin" --gtest_brief=1 "$@" > "$LOGS/$name.log" 2>&1
  local rc=$? l=$LOGS/$name.log
  local ran pass fail skip
  ran=$(grep -oE '^\[==========\] [0-9]+ tests?' "$l" | tail -1 | grep -oE '[0-9]+')
  pass=$(grep -oE '^\[  PASSED  \] [0-9]+' "$l" | tail -1 | grep -oE '[0-9]+$')
  # --gtest_brief prints one "[  FAILED  ] Suite.Test (N ms)" line per failure and no list at the end.
  grep -oE '^\[  FAILED  \] [A-Za-z_][^ ]* \(' "$l" | cut -c14- | sed 's/ ($//' | sort -u > "$l.failed"
  grep -oE '^\[  SKIPPED \] [A-Za-z_][^ ]* \(' "$l" | cut -c14- | sed 's/ ($//' | sort -u > "$l.skipped"
  fail=$(wc -l < "$l.failed"); skip=$(wc -l < "$l.skipped")
  local state=ok; [ $rc -ne 0 ] && state=FAIL; [ $rc -eq 124 ] || [ $rc -eq 137 ] && state="TIMED OUT after ${t}s"
  say "$name: $state rc=$rc ran=${ran:-?} passed=${pass:-?} failed=${fail:-0} skipped=${skip:-0}"
  head -12 "$l.failed" | sed 's/^/    failed: /' | tee -a "$S"
  [ "$fail" -gt 12 ] && say "    ... and $(( fail - 12 )) more (see $name.log)"
  [ $rc -ne 0 ] && [ -z "$ran" ] && tail -5 "$l" | sed 's/^/    /' | tee -a "$S"
}
gtest vkd_ops_test_gpu "$T_GPU_OPS" vkd_ops_test --gtest_filter='*/Gpu*'
gtest vkd_gpu_delegate_test "$T_GPU_OPS" vkd_gpu_delegate_test
gtest vkd_gpu_runtime_test "$T_GPU" vkd_gpu_runtime_test
gtest vkd_models_test_gpu "$T_MODELS" vkd_models_test --gtest_filter='*Gpu*'

# --- results into $OUT (at most 8 files come back) --------------------------------------------------
say "done"
cp "$LOGS/bench/table.txt" "$OUT/table.txt" 2>/dev/null
for j in mnv2_fp32 mnv2_fp16 mnv2_prof init_cold; do cp "$LOGS/bench/$j.json" "$OUT/" 2>/dev/null; done
tar -czf "$OUT/logs.tar.gz" -C "$LOGS" . 2>/dev/null
{
  echo "===== device_run summary ($(date -u +%Y-%m-%dT%H:%MZ), build $BUILD, models $MODELS)"
  cat "$S"
  if [ -s "$LOGS/bench/table.txt" ]; then
    sed -n '/^===== vkdelegate GPU benchmark/,/^----- raw/p' "$LOGS/bench/table.txt" | sed '$d'
  else
    echo "gpu_bench printed no table; the end of its log:"; tail -15 "$LOGS/gpu_bench.log"
  fi
} > "$OUT/summary.txt"
echo; echo "=================================================================="
cat "$OUT/summary.txt"
