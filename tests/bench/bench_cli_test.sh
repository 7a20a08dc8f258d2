#!/usr/bin/env bash
# vkd-bench end to end: a model the project makes, reports, .npy round trip, and
# clean failures for bad flags and files.
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
BENCH="$1"
MAKE_MODEL="$2"
DELEGATE_LIB="${3:-}"
SHARED="${4:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$MAKE_MODEL" --model=mobilenet_v2_0.35_96 --output="$tmp/demo.tflite" >/dev/null
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=3 --enable_op_profiling --output_dir="$tmp/out" \
  --report_json="$tmp/report.json" --gpu_cache_dir="$tmp/cache" >"$tmp/stdout"
grep -q "latency" "$tmp/stdout"
# The same on the CPU only, and a second GPU start that finds its shaders on disk.
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --use_gpu=false --report_json="$tmp/cpu.json" >/dev/null
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --gpu_cache_dir="$tmp/cache" \
  --report_json="$tmp/warm.json" >/dev/null
# No Vulkan driver at all: one warning, the CPU runs everything.
VK_ICD_FILENAMES="$tmp/none.json" VK_DRIVER_FILES="$tmp/none.json" \
  "$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --report_json="$tmp/nodriver.json" \
  >/dev/null 2>"$tmp/nodriver.err"
grep -q "warning: running on the CPU" "$tmp/nodriver.err"
python3 - "$tmp" <<'PY'
import json, sys, struct
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
for key in ("model", "backend", "nodes_total", "latency_ms", "init_ms", "per_op"):
    assert key in r, key
assert r["nodes_total"] > 50, r["nodes_total"]
# benchmark_model's statistics, the per-run list, the version and every flag.
assert {"min", "median", "mean", "max", "std", "p50", "p90", "p99", "first", "warmup_avg"} <= set(
    r["latency_ms"]), r["latency_ms"]
assert len(r["runs_ms"]) == r["num_runs"] >= 3, (len(r["runs_ms"]), r["num_runs"])
assert r["vkdelegate_version"] and r["flags"]["num_runs"] == "3", r["flags"]["num_runs"]
assert len(r["placement"]) == r["nodes_total"]
cpu = json.load(open(d + "/cpu.json"))
assert cpu["backend"] == "cpu" and cpu["nodes_on_gpu"] == 0, cpu["backend"]
nodriver = json.load(open(d + "/nodriver.json"))
assert nodriver["backend"] == "cpu" and "gpu_fallback_reason" in nodriver, nodriver.keys()
if r["backend"] == "gpu":
    # Every node of the demo model runs on the GPU, fused into fewer dispatches.
    assert r["nodes_on_gpu"] == r["nodes_total"], r["nodes_on_gpu"]
    assert r["partitions"] == 1, r["partitions"]
    assert 0 < r["dispatches_per_invoke"] < r["nodes_total"], r["dispatches_per_invoke"]
    assert r["device"]["name"], r["device"]
    for k in ("shader_compile", "pipeline_creation", "upload", "partition"):
        assert k in r["init_breakdown_ms"], k
    assert r["peak_gpu_bytes"] > 0
    gpu_rows = [p for p in r["per_op"] if p["placement"] == "gpu"]
    # Profile rows are the program's kernels; the I/O conversions (one per
    # partition input and output) come on top.
    assert r["io_dispatches_per_invoke"] == 2, r["io_dispatches_per_invoke"]
    assert len(gpu_rows) == r["dispatches_per_invoke"] - 2, len(gpu_rows)
    assert 0 < r["barriers_per_invoke"] <= r["dispatches_per_invoke"], r["barriers_per_invoke"]
    if "gpu_ms_per_invoke" in r:  # devices with compute timestamps
        assert r["gpu_ms_per_invoke"] > 0 and r["host_ms_per_invoke"] < r["latency_ms"]["max"]
    # Every kernel with variants says which one runs and why.
    assert r["kernel_variants"], "kernel_variants"
    for k in r["kernel_variants"]:
        assert k["variant"] and k["chosen_by"] in ("heuristic", "tuned", "tuned-cache", "forced"), k
    for k in ("vulkan_instance", "vulkan_device", "tuning"):
        assert k in r["init_breakdown_ms"], k
    warm = json.load(open(d + "/warm.json"))
    assert warm["shader_cache"]["state"] == "warm", warm["shader_cache"]
    assert warm["shader_cache"]["compiled"] == 0 and warm["shader_cache"]["disk_hits"] > 0
raw = open(d + "/out/output_0.npy", "rb").read()
assert raw[:6] == b"\x93NUMPY", raw[:6]
header_len = struct.unpack("<H", raw[8:10])[0]
header = raw[10:10 + header_len].decode()
assert "'<f4'" in header and "(1, 10)" in header, header
probs = struct.unpack("<10f", raw[10 + header_len:])
assert abs(sum(probs) - 1.0) < 1e-4, probs
PY
# A valid input from .npy: a constant image; the run must succeed and be deterministic.
python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 96, 96, 3), }"
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(d + "/in.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<f", 0.25) * (96 * 96 * 3))
PY
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --input_npy="$tmp/in.npy" --output_dir="$tmp/a" --use_gpu=false >/dev/null
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --input_npy="$tmp/in.npy" --output_dir="$tmp/b" --num_threads=2 --gpu_cache_dir="$tmp/cache" >/dev/null
cmp "$tmp/a/output_0.npy" "$tmp/b/output_0.npy" || python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
def load(p):
    raw = open(p, "rb").read(); n = struct.unpack("<H", raw[8:10])[0]
    return struct.unpack("<10f", raw[10 + n:])
a, b = load(d + "/a/output_0.npy"), load(d + "/b/output_0.npy")
assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5, (a, b)
PY
"$BENCH" --help >"$tmp/help"  # (not piped: grep -q quitting early would SIGPIPE it)
grep -q -- "--input_npy" "$tmp/help"
# The saved output fed back as... an input of the wrong dtype/shape must fail cleanly.
if "$BENCH" --graph="$tmp/demo.tflite" --input_npy="$tmp/out/output_0.npy" 2>"$tmp/err"; then
  echo "a mismatched input was accepted"; exit 1
fi
grep -q "does not fit\|needs" "$tmp/err"
# Unknown flag, missing model, not-a-model: one message, non-zero exit.
if "$BENCH" --graph="$tmp/demo.tflite" --no_such_flag=1 2>"$tmp/err"; then exit 1; fi
grep -q "unknown flag --no_such_flag" "$tmp/err"
if "$BENCH" --graph="$tmp/missing.tflite" 2>"$tmp/err"; then exit 1; fi
grep -q "missing.tflite" "$tmp/err"
head -c 1000 /dev/urandom >"$tmp/junk.tflite"
if "$BENCH" --graph="$tmp/junk.tflite" 2>"$tmp/err"; then exit 1; fi
grep -q "TFL3\|verification" "$tmp/err"
# The TFLite host: the plug-in through TFLite's external delegate, and TFLite's
# own CPU path beside it on the same inputs.
if [ -n "$DELEGATE_LIB" ]; then
  "$BENCH" --graph="$tmp/demo.tflite" --num_runs=2 --external_delegate_path="$DELEGATE_LIB" \
    --external_delegate_options="cache_dir:$tmp/cache;log_level:info" --compare_tflite=true \
    --report_json="$tmp/host.json" --output_dir="$tmp/host_out" >"$tmp/host.out" 2>"$tmp/host.err"
  grep -q "nodes on GPU in\|no usable Vulkan device" "$tmp/host.err"
  "$BENCH" --graph="$tmp/demo.tflite" --num_runs=2 --compare_tflite=true --use_gpu=false \
    --report_json="$tmp/cmp.json" >/dev/null 2>&1
  python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
h = json.load(open(d + "/host.json"))
assert h["backend"] == "tflite_host+external_delegate", h["backend"]
assert h["latency_ms"]["median"] > 0 and h["tflite_cpu"]["latency_ms"]["median"] > 0
assert h["max_abs_difference_vs_tflite"] < 1e-4, h["max_abs_difference_vs_tflite"]
c = json.load(open(d + "/cmp.json"))
assert c["tflite_cpu"]["kernels"] == "xnnpack" and c["max_abs_difference_vs_tflite"] < 1e-4, c
PY
  if "$BENCH" --graph="$tmp/demo.tflite" --external_delegate_path="$DELEGATE_LIB" \
      --external_delegate_options="precision" 2>"$tmp/err"; then exit 1; fi
  grep -q "not key:value" "$tmp/err"
  # A plug-in that refuses its options, a missing one, a file that is not
  # one: rc 1 and a message, never TFLite's wrapper crashing on a NULL delegate.
  set +e
  "$BENCH" --graph="$tmp/demo.tflite" --external_delegate_path="$DELEGATE_LIB" \
    --external_delegate_options="precision:fp64" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 1 ] || { echo "refused options: rc $rc"; cat "$tmp/err"; exit 1; }
  grep -q "refused its options" "$tmp/err"
  "$BENCH" --graph="$tmp/demo.tflite" --external_delegate_path="$tmp/no_such.so" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 1 ] || { echo "missing plug-in: rc $rc"; exit 1; }
  grep -q "cannot load the delegate plug-in" "$tmp/err"
  "$BENCH" --graph="$tmp/demo.tflite" --external_delegate_path="$tmp/junk.tflite" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 1 ] || { echo "junk plug-in: rc $rc"; exit 1; }
  set -e
  # --input_npy and --output_dir (a folder to create, parents too) in host
  # mode, exactly as standalone: the same .npy in gives the same outputs.
  "$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --gpu_cache_dir="$tmp/cache" \
    --input_npy="$tmp/in.npy" --output_dir="$tmp/a/b/standalone" >/dev/null
  "$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --external_delegate_path="$DELEGATE_LIB" \
    --external_delegate_options="cache_dir:$tmp/cache" \
    --input_npy="$tmp/in.npy" --output_dir="$tmp/c/d/host" >/dev/null 2>&1
  # The same GPU kernels behind both front doors: bit-identical outputs.
  cmp "$tmp/a/b/standalone/output_0.npy" "$tmp/c/d/host/output_0.npy"
  python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
def load(p):
    raw = open(p, "rb").read(); n = struct.unpack("<H", raw[8:10])[0]
    return struct.unpack("<10f", raw[10 + n:])
a = load(d + "/a/b/standalone/output_0.npy")
b = load(d + "/c/d/host/output_0.npy")
random_run = load(d + "/host_out/output_0.npy")
assert max(abs(x - y) for x, y in zip(a, b)) < 1e-4, (a, b)
# The .npy input was used, not the seeded random one.
assert max(abs(x - y) for x, y in zip(b, random_run)) > 1e-6, (b, random_run)
PY
fi
# benchmark_model's own command line (issue 13): run policy, named inputs, the
# profile tables and CSV, and both pictures, rendered by a real SVG renderer.
MODEL="$tmp/demo.tflite"; INPUT=input
if [ -f "$SHARED/models/vww_96_float.tflite" ]; then MODEL="$SHARED/models/vww_96_float.tflite"; INPUT=input_1; fi
SHAPE=$(python3 -c "print('1,96,96,3')")
"$BENCH" --graph="$MODEL" --use_gpu=false --num_threads=-1 --max_secs=5 --min_secs=0.05 \
  --warmup_min_secs=0 --run_delay=0 --use_xnnpack=false --verbose=true --input_layer="$INPUT" \
  --input_layer_shape="$SHAPE" --enable_op_profiling=true --profiling_output_csv_file="$tmp/p.csv" \
  --max_delegated_partitions=1 --partition_svg="$tmp/g.svg" --profile_svg="$tmp/p.svg" \
  --report_peak_memory_footprint=true --report_json="$tmp/tfl.json" >"$tmp/tfl.out"
for table in "Run Order" "Top by Computation Time" "Summary by node type"; do
  grep -q "$table" "$tmp/tfl.out"; grep -q "^$table" "$tmp/p.csv"
done
grep -q "First inference" "$tmp/tfl.out"
grep -q "peak memory" "$tmp/tfl.out"
grep -q -- "--input_layer=$INPUT" "$tmp/tfl.out"  # --verbose prints every flag
if command -v rsvg-convert >/dev/null; then
  rsvg-convert -o "$tmp/g.png" "$tmp/g.svg"; rsvg-convert -o "$tmp/p.png" "$tmp/p.svg"
  [ -s "$tmp/g.png" ] && [ -s "$tmp/p.png" ]
fi
# A named input that does not exist, a GPU API vkdelegate does not have, a
# CPU-only run that must be fully delegated: rc 1 and a message each.
if "$BENCH" --graph="$MODEL" --input_layer=nope --input_layer_shape=1,2 2>"$tmp/err"; then exit 1; fi
grep -q "has no input 'nope'" "$tmp/err"
if "$BENCH" --graph="$MODEL" --gpu_backend=cl 2>"$tmp/err"; then exit 1; fi
grep -q "gpu_backend" "$tmp/err"
if "$BENCH" --graph="$MODEL" --use_gpu=false --require_full_delegation=true 2>"$tmp/err"; then
  exit 1
fi
grep -q "nodes run on the CPU" "$tmp/err"
# --dry_run: init only.
"$BENCH" --graph="$MODEL" --dry_run=true >"$tmp/dry.out"
grep -q "dry run" "$tmp/dry.out" && ! grep -q "latency " "$tmp/dry.out"
# TFLite's flag names are aliases; a misspelt flag gets a suggestion.
"$BENCH" --graph="$tmp/demo.tflite" --num_runs=1 --use_gpu=false --max_delegated_partitions=1 \
  --num_threads=-1 >/dev/null
if "$BENCH" --graph="$tmp/demo.tflite" --num_run=3 2>"$tmp/err"; then exit 1; fi
grep -q "did you mean --num_runs" "$tmp/err"
echo "bench_cli_test: ok"
