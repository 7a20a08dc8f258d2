#include "bench/bench_options.h"

#include <cstdlib>
#include <sstream>
#include <thread>

#include "common/file_util.h"

namespace vkd::tools {

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

StatusOr<ir::Shape> ParseShape(const std::string& text) {
  ir::Shape shape;
  for (const std::string& d : Split(text, ',')) {
    char* end = nullptr;
    const long v = std::strtol(d.c_str(), &end, 10);
    if (*end != '\0' || v < 1 || v > (1L << 31)) {
      return InvalidArgumentError("--input_layer_shape: '" + text +
                                  "' is not a list of positive dimensions");
    }
    shape.push_back(static_cast<int32_t>(v));
  }
  return shape;
}

}  // namespace

StatusOr<int> ParseDeviceFlag(const std::string& text) {
  if (text == "auto" || text == "-1") return -1;
  if (text == "any" || text == "-2") return -2;
  if (!text.empty() && text.size() < 8 &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoi(text);
  }
  return InvalidArgumentError("--gpu_device must be auto, any or a device index, not '" + text +
                              "'");
}

void DefineBenchFlags(Flags* f) {
  f->Define("graph", "", "path of the .tflite model to run");
  // benchmark_model's run policy.
  f->Define("num_runs", "50", "timed runs: at least this many (and at least --min_secs)");
  f->Define("min_secs", "1.0", "timed runs: at least this long, in seconds");
  f->Define("max_secs", "150.0", "stop the timed (or warm-up) runs after this long (<= 0: no cap)");
  f->Define("warmup_runs", "1",
            "warm-up runs: at least this many (and at least --warmup_min_secs)");
  f->Define("warmup_min_secs", "0.5", "warm-up: at least this long, in seconds");
  f->Define("run_delay", "-1", "seconds to pause after every run (<= 0: none)");
  f->Define("num_threads", "1", "CPU threads for the CPU kernels (-1: one per core)");
  f->Define("use_xnnpack", "true",
            "CPU float kernels through XNNPACK (false: vkdelegate's own; also picks TFLite's "
            "kernels for --compare_tflite)");
  // GPU.
  f->Define("use_gpu", "true",
            "run supported ops on the GPU (Vulkan); without a Vulkan device: a warning, CPU");
  f->Define("gpu_backend", "vulkan",
            "the GPU API: vulkan (TFLite's cl and gl belong to its own GPU delegate)");
  f->Define("gpu_precision_loss_allowed", "false", "fp16 storage and arithmetic on the GPU");
  f->Define("gpu_device", "auto",
            "Vulkan device: auto (the best hardware GPU), any (software devices such as "
            "lavapipe too) or an index");
  f->Define("use_caching", "true",
            "keep the SPIR-V, pipeline and tuning caches on disk (--gpu_cache_dir)");
  f->Define("gpu_cache_dir", DefaultGpuCacheDir(),
            "SPIR-V and pipeline cache directory (empty: no disk cache)");
  f->Define("gpu_validation", "false", "enable the Khronos validation layer (slow)");
  f->Define("gpu_tuning", "auto",
            "time kernel variants at first prepare and cache the fastest: auto (real GPUs, "
            "small budget), off (device heuristics), full (every kernel shape, any device)");
  f->Define("gpu_force_variant", "",
            "comma list of kernel variants to use wherever offered (e.g. gemm_ksplit8)");
  f->Define("gpu_enable_quant", "false",
            "quantized models: run int8/uint8 ops in float on the GPU (QUANTIZE/DEQUANTIZE at "
            "partition edges) instead of on the CPU int8 kernels");
  f->Define("max_partitions", "0", "GPU partitions to keep, largest first (0: unlimited)");
  f->Define("min_nodes_per_partition", "1", "smaller GPU partitions run on the CPU");
  f->Define("require_full_delegation", "false",
            "fail (rc 1, with every CPU node's reason) unless all nodes run on the GPU");
  f->Define("memory_budget_mb", "0",
            "most MiB the CPU tensor arena may take (0: 3/4 of physical memory)");
  f->Define("gpu_memory_budget_mb", "0",
            "most MiB of GPU memory the partitions may hold; past it they run on the CPU "
            "(0: 9/10 of the device heap)");
  // Inputs.
  f->Define("input_npy", "",
            "comma-separated .npy files, one per model input (default: seeded random inputs)");
  f->Define("input_layer", "", "comma-separated names of the inputs the next two flags set");
  f->Define("input_layer_shape", "",
            "colon-separated shapes of the --input_layer inputs, e.g. 1,96,96,3:1,10");
  f->Define("input_layer_value_files", "",
            "name:file,... values of named inputs: .npy, or raw bytes of exactly the "
            "tensor's size");
  f->Define("seed", "1", "seed of the random inputs");
  // Reports.
  f->Define("enable_op_profiling", "false",
            "time every CPU node and GPU dispatch (GPU timestamps) and print TFLite's profile "
            "tables");
  f->Define("profiling_output_csv_file", "",
            "with --enable_op_profiling: also write the tables to this CSV file");
  f->Define("partition_svg", "",
            "draw the graph, nodes coloured by GPU partition / CPU, to this SVG");
  f->Define(
      "profile_svg", "",
      "with --enable_op_profiling: draw where the time goes (per dispatch / node) to this SVG");
  f->Define("print_placement", "false", "print every node's placement and CPU reason");
  f->Define("verbose", "false", "print every flag's value and every node's placement");
  f->Define("dry_run", "false", "load, partition, compile and allocate, then stop (no runs)");
  f->Define("report_peak_memory_footprint", "false",
            "report the process's peak resident memory (init and overall)");
  f->Define("gemm_ceiling_gflops", "0",
            "the device's GEMM ceiling (vkd-gemm-bench); with --enable_op_profiling, conv "
            "dispatches are reported as a fraction of it");
  f->Define("output_dir", "", "write output_<i>.npy of the first run into this folder");
  f->Define("report_json", "", "write a JSON report to this path");
  f->Define("compare_tflite", "false",
            "also run TFLite's CPU path (--use_xnnpack, --num_threads) on the same inputs and "
            "report its latency and the max output difference");
  f->Define("external_delegate_path", "",
            "run in the TFLite host with this delegate plug-in (libvkdelegate.so), as "
            "benchmark_model does");
  f->Define("external_delegate_options", "", "options of the plug-in: 'key:value;key:value'");
  f->Define("help", "false", "print this help");
  // TFLite benchmark_model's names for the same flags.
  f->Alias("max_delegated_partitions", "max_partitions");
  f->Alias("gpu_experimental_enable_quant", "gpu_enable_quant");
}

StatusOr<BenchOptions> ParseBenchOptions(const Flags& f) {
  BenchOptions o;
  o.graph = f.GetString("graph");
  if (o.graph.empty()) return InvalidArgumentError("--graph is required");
  VKD_ASSIGN_OR_RETURN(o.policy.num_runs, f.GetInt("num_runs"));
  VKD_ASSIGN_OR_RETURN(o.policy.min_secs, f.GetDouble("min_secs"));
  VKD_ASSIGN_OR_RETURN(o.policy.max_secs, f.GetDouble("max_secs"));
  VKD_ASSIGN_OR_RETURN(o.policy.warmup_runs, f.GetInt("warmup_runs"));
  VKD_ASSIGN_OR_RETURN(o.policy.warmup_min_secs, f.GetDouble("warmup_min_secs"));
  VKD_ASSIGN_OR_RETURN(o.policy.run_delay_secs, f.GetDouble("run_delay"));
  if (o.policy.num_runs < 1) return InvalidArgumentError("--num_runs must be >= 1");
  if (o.policy.warmup_runs < 0) return InvalidArgumentError("--warmup_runs must be >= 0");
  if (o.policy.min_secs < 0 || o.policy.warmup_min_secs < 0) {
    return InvalidArgumentError("--min_secs and --warmup_min_secs must be >= 0");
  }
  VKD_ASSIGN_OR_RETURN(o.num_threads, f.GetInt("num_threads"));
  // benchmark_model's default -1 lets the runtime choose: one thread per core.
  if (o.num_threads == -1) {
    o.num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (o.num_threads < 1) {
    return InvalidArgumentError("--num_threads must be >= 1, or -1 for one per core");
  }
  VKD_ASSIGN_OR_RETURN(int seed, f.GetInt("seed"));
  o.seed = static_cast<uint32_t>(seed);
  VKD_ASSIGN_OR_RETURN(o.use_xnnpack, f.GetBool("use_xnnpack"));
  VKD_ASSIGN_OR_RETURN(o.use_gpu, f.GetBool("use_gpu"));
  const std::string backend = f.GetString("gpu_backend");
  if (backend != "vulkan" && !backend.empty()) {
    return InvalidArgumentError("--gpu_backend=" + backend +
                                ": vkdelegate's GPU backend is vulkan (cl and gl are TFLite's "
                                "own GPU delegate's)");
  }
  VKD_ASSIGN_OR_RETURN(o.fp16, f.GetBool("gpu_precision_loss_allowed"));
  VKD_ASSIGN_OR_RETURN(o.device, ParseDeviceFlag(f.GetString("gpu_device")));
  VKD_ASSIGN_OR_RETURN(bool use_caching, f.GetBool("use_caching"));
  o.cache_dir = use_caching ? f.GetString("gpu_cache_dir") : "";
  VKD_ASSIGN_OR_RETURN(o.validation, f.GetBool("gpu_validation"));
  o.tuning = f.GetString("gpu_tuning");
  if (o.tuning != "auto" && o.tuning != "off" && o.tuning != "full") {
    return InvalidArgumentError("--gpu_tuning must be auto, off or full, not '" + o.tuning + "'");
  }
  o.force_variants = Split(f.GetString("gpu_force_variant"), ',');
  VKD_ASSIGN_OR_RETURN(o.enable_quant, f.GetBool("gpu_enable_quant"));
  VKD_ASSIGN_OR_RETURN(o.max_partitions, f.GetInt("max_partitions"));
  VKD_ASSIGN_OR_RETURN(o.min_nodes_per_partition, f.GetInt("min_nodes_per_partition"));
  if (o.max_partitions < 0) return InvalidArgumentError("--max_partitions must be >= 0");
  if (o.min_nodes_per_partition < 1) {
    return InvalidArgumentError("--min_nodes_per_partition must be >= 1");
  }
  VKD_ASSIGN_OR_RETURN(o.require_full_delegation, f.GetBool("require_full_delegation"));
  VKD_ASSIGN_OR_RETURN(int cpu_mb, f.GetInt("memory_budget_mb"));
  VKD_ASSIGN_OR_RETURN(int gpu_mb, f.GetInt("gpu_memory_budget_mb"));
  if (cpu_mb < 0) return InvalidArgumentError("--memory_budget_mb must be >= 0");
  if (gpu_mb < 0) return InvalidArgumentError("--gpu_memory_budget_mb must be >= 0");
  o.cpu_budget_bytes = static_cast<size_t>(cpu_mb) << 20;
  o.gpu_budget_bytes = static_cast<size_t>(gpu_mb) << 20;

  o.input_npy = Split(f.GetString("input_npy"), ',');
  o.input_layer = Split(f.GetString("input_layer"), ',');
  for (const std::string& s : Split(f.GetString("input_layer_shape"), ':')) {
    VKD_ASSIGN_OR_RETURN(ir::Shape shape, ParseShape(s));
    o.input_layer_shape.push_back(shape);
  }
  if (!o.input_layer_shape.empty() && o.input_layer_shape.size() != o.input_layer.size()) {
    return InvalidArgumentError("--input_layer_shape gives " +
                                std::to_string(o.input_layer_shape.size()) + " shapes for " +
                                std::to_string(o.input_layer.size()) + " --input_layer names");
  }
  for (const std::string& item : Split(f.GetString("input_layer_value_files"), ',')) {
    const size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return InvalidArgumentError("--input_layer_value_files: '" + item + "' is not name:file");
    }
    o.input_layer_value_files.emplace_back(item.substr(0, colon), item.substr(colon + 1));
  }
  if (!o.input_npy.empty() && !o.input_layer_value_files.empty()) {
    return InvalidArgumentError("--input_npy and --input_layer_value_files both set inputs");
  }

  VKD_ASSIGN_OR_RETURN(o.profiling, f.GetBool("enable_op_profiling"));
  VKD_ASSIGN_OR_RETURN(o.print_placement, f.GetBool("print_placement"));
  VKD_ASSIGN_OR_RETURN(o.verbose, f.GetBool("verbose"));
  VKD_ASSIGN_OR_RETURN(o.dry_run, f.GetBool("dry_run"));
  VKD_ASSIGN_OR_RETURN(o.report_peak_memory, f.GetBool("report_peak_memory_footprint"));
  VKD_ASSIGN_OR_RETURN(o.compare_tflite, f.GetBool("compare_tflite"));
  VKD_ASSIGN_OR_RETURN(o.gemm_ceiling_gflops, f.GetDouble("gemm_ceiling_gflops"));
  o.output_dir = f.GetString("output_dir");
  o.report_json = f.GetString("report_json");
  o.profiling_csv = f.GetString("profiling_output_csv_file");
  o.partition_svg = f.GetString("partition_svg");
  o.profile_svg = f.GetString("profile_svg");
  if ((!o.profiling_csv.empty() || !o.profile_svg.empty()) && !o.profiling) {
    return InvalidArgumentError(
        "--profiling_output_csv_file and --profile_svg need --enable_op_profiling=true");
  }
  o.external_delegate_path = f.GetString("external_delegate_path");
  o.external_delegate_options = f.GetString("external_delegate_options");
  return o;
}

}  // namespace vkd::tools
