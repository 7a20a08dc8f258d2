#!/usr/bin/env bash
# gpu_bench.sh: vkdelegate's GPU benchmark. On any machine with a Vulkan GPU it measures, with the
# built tools, the figures of ../shared/gpu/README.md and prints them as one table:
#   MobileNetV2-224 float (synthetic, vkd-make-model) batch 1, fp32 and fp16: median latency, GPU and
#   host ms per invoke, dispatches and barriers per invoke; init with a cold and a warm cache (Vulkan
#   apart); conv layers against the vkd-gemm-bench GEMM ceiling; vww_96_float and pretrainedResnet;
#   and, where python3's torch sees a CUDA GPU, the PyTorch peer (bench/torch_peer.py).
# It warns loudly when vkd-bench did not run on a GPU (no driver: CPU fallback; lavapipe: a CPU device).
#
#   bench/gpu_bench.sh [BUILD_DIR=build] [MODELS_DIR=../shared/models]
#   env: RUNS=200 (timed runs), WARMUP=20, OUT=<folder for logs, JSON, results.txt; default mktemp>,
#        BENCH_TIMEOUT=120 (s per tool call), BUDGET_S=0 (s for the whole script, 0: none; later
#        steps get what is left, and are skipped with a message when nothing is),
#        TORCH_PEER=auto|0 (0: skip the PyTorch peer)
#   e.g. VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json RUNS=5 bench/gpu_bench.sh
# Scratch files (the model, shader caches) go to a temporary folder, not to OUT. Exit status: 0, or 3
# when there were warnings (CPU fallback, a CPU Vulkan device, a tool that failed), 2 on missing tools.
set -u
# Any Vulkan device: the best hardware GPU, else lavapipe (which vkdelegate
# uses only when asked for; the report then warns that it is a CPU device).
export VKD_DEVICE="${VKD_DEVICE:-any}"
BUILD=${1:-build}
MODELS=${2:-../shared/models}
RUNS=${RUNS:-200}
WARMUP=${WARMUP:-20}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-120}
BUDGET_S=${BUDGET_S:-0}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/vkd-gpu-bench.XXXXXX")}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$OUT" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vkd-gpu-bench-work.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
RES=$OUT/results.txt; : > "$RES"
T0=$(date +%s)
WARNINGS=()

log() { echo "[gpu_bench $(( $(date +%s) - T0 ))s] $*" >&2; }
kv() { echo "$1=$2" >> "$RES"; }
warn() { WARNINGS+=("$*"); log "WARNING: $*"; }
# Seconds a step may take: BENCH_TIMEOUT, or what is left of BUDGET_S; 0 when nothing is left.
step_timeout() {
  local t=$BENCH_TIMEOUT
  if [ "$BUDGET_S" -gt 0 ]; then
    local left=$(( BUDGET_S - ($(date +%s) - T0) - 5 ))
    [ "$left" -lt "$t" ] && t=$left
    [ "$t" -lt 5 ] && t=0
  fi
  echo "$t"
}
# run NAME LOG CMD...: CMD under a timeout, output to LOG; status 125 = skipped for lack of time.
run() {
  local name=$1 logf=$2; shift 2
  local t; t=$(step_timeout)
  if [ "$t" -le 0 ]; then log "$name: skipped, out of time (BUDGET_S=$BUDGET_S)"; echo "skipped: out of time" > "$logf"; return 125; fi
  timeout -k 5 "$t" "$@" > "$logf" 2>&1
  local rc=$?
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && log "$name: TIMED OUT after ${t}s"
  [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ] && log "$name: rc=$rc ($(tail -1 "$logf"))"
  return $rc
}
# jv FILE a.b.c [FMT]: a JSON value ("n/a" when the file or the key is missing); FMT e.g. %.3f.
jv() {
  python3 - "$@" <<'PY' 2>/dev/null || echo n/a
import json, sys
path, key = sys.argv[1], sys.argv[2]
fmt = sys.argv[3] if len(sys.argv) > 3 else None
try:
    v = json.load(open(path))
    for k in key.split('.'):
        v = v[k]
except Exception:
    print('n/a'); sys.exit(0)
if isinstance(v, bool): print(str(v).lower())
elif isinstance(v, (int, float)) and fmt: print(fmt % v)
elif isinstance(v, (dict, list)): print(json.dumps(v))
else: print(v)
PY
}
sub() { python3 -c "import sys; a,b=sys.argv[1:]; print('%.1f'%(float(a)-float(b)))" "$1" "$2" 2>/dev/null || echo n/a; }
pct() { python3 -c "import sys; print('%.1f%%'%(100*float(sys.argv[1])))" "$1" 2>/dev/null || echo n/a; }

for tool in vkd-bench vkd-gemm-bench vkd-make-model; do
  [ -x "$BUILD/$tool" ] || { echo "gpu_bench: $BUILD/$tool not found (build first, or pass BUILD_DIR)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "gpu_bench: python3 is needed to read the JSON reports" >&2; exit 2; }
missing=$(ldd "$BUILD/vkd-bench" 2>/dev/null | grep 'not found')
[ -n "$missing" ] && warn "vkd-bench has unresolved libraries (set LD_LIBRARY_PATH): $(echo $missing)"
log "build=$BUILD models=$MODELS runs=$RUNS out=$OUT"
kv runs "$RUNS"

# --- GEMM ceiling -------------------------------------------------------------------------------
run gemm "$OUT/gemm.log" "$BUILD/vkd-gemm-bench" --report_json="$OUT/gemm.json" ||
  warn "vkd-gemm-bench failed (rc=$?): $(tail -1 "$OUT/gemm.log")"
CEIL=$(grep -E 'GEMM ceiling' "$OUT/gemm.log" | grep -oE '[0-9]+(\.[0-9]+)?' | tail -1)
[ -n "$CEIL" ] || warn "vkd-gemm-bench gave no GEMM ceiling (see $OUT/gemm.log)"
kv gemm_ceiling_gflops "${CEIL:-n/a}"

# --- the synthetic MobileNetV2 -------------------------------------------------------------------
MNV2=$WORK/mobilenet_v2_1.0_224.tflite
run make-model "$OUT/make_model.log" "$BUILD/vkd-make-model" --model=mobilenet_v2_1.0_224 --output="$MNV2"
[ -s "$MNV2" ] || warn "vkd-make-model wrote no model (see $OUT/make_model.log)"

# bench NAME MODEL [vkd-bench flags]: one vkd-bench run -> $OUT/NAME.json and .log (later flags win).
BENCHED=()
bench() {
  local name=$1 model=$2; shift 2
  rm -f "$OUT/$name.json"
  run "$name" "$OUT/$name.log" "$BUILD/vkd-bench" --graph="$model" --num_runs="$RUNS" \
    --warmup_runs="$WARMUP" --gpu_cache_dir="$WORK/cache" --report_json="$OUT/$name.json" "$@"
  local rc=$?
  kv "$name.rc" "$rc"
  if [ $rc -eq 125 ]; then warn "vkd-bench $name skipped: out of time (BUDGET_S=$BUDGET_S)"
  elif [ $rc -ne 0 ]; then warn "vkd-bench $name failed (rc=$rc): $(tail -1 "$OUT/$name.log")"; fi
  [ -s "$OUT/$name.json" ] && BENCHED+=("$name")
  return $rc
}
if [ -s "$MNV2" ]; then
  # Latency after self-tuning: --gpu_tuning=full times every kernel shape's variants at init (kept
  # in the cache folder), then the timed runs use the fastest. The heuristics-only run shows what
  # a device gets before any tuning.
  bench mnv2_fp32 "$MNV2" --gpu_tuning=full
  bench mnv2_fp16 "$MNV2" --gpu_precision_loss_allowed=true --gpu_tuning=full
  bench mnv2_fp32_heur "$MNV2" --gpu_tuning=off
  # Init: the same fresh cache folder twice (SPIR-V + pipeline caches; the drivers' own shader disk
  # caches pointed there too, so the first run is cold for them as well).
  IC=$WORK/init_cache; rm -rf "$IC"; mkdir -p "$IC"
  for state in cold warm; do
    __GL_SHADER_DISK_CACHE_PATH=$IC MESA_SHADER_CACHE_DIR=$IC \
      bench "init_$state" "$MNV2" --num_runs=1 --warmup_runs=0 --gpu_cache_dir="$IC"
  done
  bench mnv2_prof "$MNV2" --enable_op_profiling=true --gemm_ceiling_gflops="${CEIL:-0}" --num_runs=50
fi
for m in vww_96_float pretrainedResnet; do
  if [ -f "$MODELS/$m.tflite" ]; then bench "$m" "$MODELS/$m.tflite" --gpu_tuning=full
  else log "$m: $MODELS/$m.tflite not found, skipped"; kv "$m.rc" skipped; fi
done

# --- did it run on a GPU? -----------------------------------------------------------------------
declare -A WHERE=()  # problem -> the runs that had it
for n in ${BENCHED[@]+"${BENCHED[@]}"}; do
  b=$(jv "$OUT/$n.json" backend); k=$(jv "$OUT/$n.json" device.kind); p=""
  if [ "$b" != gpu ]; then p="FELL BACK to backend '$b', not the GPU: $(jv "$OUT/$n.json" gpu_fallback_reason)"
  elif [ "$k" = cpu ]; then p="ran on a CPU Vulkan device ($(jv "$OUT/$n.json" device.name)), not a real GPU"; fi
  [ -n "$p" ] && WHERE["$p"]="${WHERE["$p"]:+${WHERE["$p"]} }$n"
done
for p in "${!WHERE[@]}"; do warn "${WHERE["$p"]}: $p"; done
REF=$OUT/mnv2_fp32.json; [ -s "$REF" ] || REF=$OUT/${BENCHED[0]:-none}.json
DEVICE="$(jv "$REF" device.name) [$(jv "$REF" device.kind), $(jv "$REF" device.driver)]"
[ "$(jv "$REF" backend)" = gpu ] || DEVICE="NO VULKAN DEVICE: the CPU ran everything (see the warnings)"
kv device "$DEVICE"

# --- the PyTorch peer ---------------------------------------------------------------------------
if [ "${TORCH_PEER:-auto}" != 0 ] && [ "$(step_timeout)" -gt 0 ] &&
   timeout -k 5 "$(step_timeout)" python3 -c "import torch; assert torch.cuda.is_available()" >/dev/null 2>&1; then
  run torch "$OUT/torch.log" env PYTHONUNBUFFERED=1 python3 "$HERE/torch_peer.py" --runs="$RUNS" --warmup="$WARMUP"
  grep -E '^torch_[a-z0-9_]+=' "$OUT/torch.log" >> "$RES"
  grep -q '^torch_eager_fp32_ms=[0-9]' "$OUT/torch.log" || warn "PyTorch peer failed: $(tail -1 "$OUT/torch.log")"
else
  log "PyTorch peer: skipped (no python3 torch with CUDA)"; kv torch skipped
fi
tv() { local v; v=$(grep -E "^$1=" "$RES" | tail -1 | cut -d= -f2-); echo "${v:-n/a}"; }

# --- the table ----------------------------------------------------------------------------------
row() { printf '%-38s %12s  %s\n' "$1" "${2/#n\/a */n/a}" "${3:-}"; }  # "n/a ms" -> "n/a"
lat_row() {  # NAME LABEL
  local j=$OUT/$1.json
  local med; med=$(jv "$j" latency_ms.median %.3f)
  local gpu host disp bar; gpu=$(jv "$j" gpu_ms_per_invoke %.3f); host=$(jv "$j" host_ms_per_invoke %.3f)
  disp=$(jv "$j" dispatches_per_invoke); bar=$(jv "$j" barriers_per_invoke); local io; io=$(jv "$j" io_dispatches_per_invoke)
  kv "$1.median_ms" "$med"; kv "$1.gpu_ms_per_invoke" "$gpu"; kv "$1.host_ms_per_invoke" "$host"
  kv "$1.dispatches" "$disp"; kv "$1.io_dispatches" "$io"; kv "$1.barriers" "$bar"; kv "$1.backend" "$(jv "$j" backend)"
  row "$2" "$med ms" "gpu $gpu ms, host $host ms per invoke; $disp dispatches ($io I/O), $bar barriers"
}
init_row() {  # STATE
  local j=$OUT/init_$1.json
  local init vk vi vd; init=$(jv "$j" init_ms %.1f); vk=$(jv "$j" init_breakdown_ms.vulkan_context %.1f)
  vi=$(jv "$j" init_breakdown_ms.vulkan_instance %.1f); vd=$(jv "$j" init_breakdown_ms.vulkan_device %.1f)
  local rest; rest=$(sub "$init" "$vk")
  kv "init_$1.init_ms" "$init"; kv "init_$1.vulkan_context_ms" "$vk"; kv "init_$1.vulkan_instance_ms" "$vi"
  kv "init_$1.vulkan_device_ms" "$vd"; kv "init_$1.init_minus_vulkan_ms" "$rest"
  kv "init_$1.shader_cache" "$(jv "$j" shader_cache.state)"
  local extra=""; [ "$vi" != n/a ] || [ "$vd" != n/a ] && extra=" (instance $vi, device $vd)"
  row "init, $1 cache" "$init ms" "vulkan $vk ms$extra; init - vulkan $rest ms; cache $(jv "$j" shader_cache.state): $(jv "$j" shader_cache.compiled) compiled, pipelines $(jv "$j" init_breakdown_ms.pipeline_creation %.1f) ms"
}
{
  echo
  echo "===== vkdelegate GPU benchmark: $DEVICE"
  echo "      $(date -u +%Y-%m-%dT%H:%MZ), $RUNS runs (warm-up $WARMUP), build $BUILD, logs in $OUT"
  row "figure" "median" "details"
  row "--------------------------------------" "------------" "-------"
  lat_row mnv2_fp32 "MobileNetV2-224 fp32, batch 1"
  lat_row mnv2_fp16 "MobileNetV2-224 fp16, batch 1"
  lat_row mnv2_fp32_heur "MobileNetV2-224 fp32, heuristics only"
  for n in mnv2_fp32 mnv2_fp16; do
    vs=$(python3 -c "
import json, collections, sys
d = json.load(open(sys.argv[1]))
c = collections.Counter(k['variant'] for k in d.get('kernel_variants', []))
h = collections.Counter(k['chosen_by'] for k in d.get('kernel_variants', []))
print(' '.join(f'{v} x{n}' for v, n in sorted(c.items())), '| chosen:', ' '.join(f'{v} {n}' for v, n in sorted(h.items())),
      '| tuning %.0f ms' % d.get('init_breakdown_ms', {}).get('tuning', 0))" "$OUT/$n.json" 2>/dev/null || echo n/a)
    kv "$n.variants" "$vs"
    row "  variants ($n)" "" "$vs"
  done
  init_row cold
  init_row warm
  cg=$(jv "$OUT/mnv2_prof.json" conv_gflops %.1f); cf=$(jv "$OUT/mnv2_prof.json" conv_fraction_of_gemm_ceiling %.3f)
  kv conv_gflops "$cg"; kv conv_fraction_of_gemm_ceiling "$cf"
  row "conv layers vs GEMM ceiling" "$(pct "$cf")" "conv $cg GFLOP/s of the ${CEIL:-n/a} GFLOP/s vkd-gemm-bench ceiling (50 runs, profiled)"
  for m in vww_96_float pretrainedResnet; do
    if [ -s "$OUT/$m.json" ]; then
      med=$(jv "$OUT/$m.json" latency_ms.median %.3f); kv "$m.median_ms" "$med"; kv "$m.backend" "$(jv "$OUT/$m.json" backend)"
      row "$m" "$med ms" "$(jv "$OUT/$m.json" dispatches_per_invoke) dispatches, $(jv "$OUT/$m.json" nodes_on_gpu)/$(jv "$OUT/$m.json" nodes_total) nodes on GPU"
    else row "$m" "n/a" "not run ($(tail -1 "$OUT/$m.log" 2>/dev/null || echo "model not found in $MODELS"))"; fi
  done
  if [ "$(tv torch)" != skipped ]; then
    row "PyTorch eager fp32 (CUDA)" "$(tv torch_eager_fp32_ms) ms" "torch $(tv torch_version), model $(tv torch_model), $(tv torch_device)"
    row "PyTorch CUDA graph replay fp32" "$(tv torch_graph_fp32_ms) ms"
    row "PyTorch eager fp16" "$(tv torch_eager_fp16_ms) ms" "graph replay fp16 $(tv torch_graph_fp16_ms) ms"
  else row "PyTorch peer" "n/a" "skipped: no python3 torch with CUDA"; fi
  for w in ${WARNINGS[@]+"${WARNINGS[@]}"}; do echo "!!!!! WARNING: $w"; done
  echo "----- raw (also in $RES)"
  cat "$RES"
} | tee "$OUT/table.txt"
[ ${#WARNINGS[@]} -eq 0 ] || exit 3
