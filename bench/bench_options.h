// vkd-bench's command line: every flag with benchmark_model's name, meaning
// and default where TFLite has one (TFLite's spellings accepted as aliases
// where vkd-bench's own differ), parsed and checked into BenchOptions.
#pragma once

#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "bench/flags.h"
#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::tools {

struct BenchOptions {
  std::string graph;
  RunPolicy policy;
  int num_threads = 1;
  uint32_t seed = 1;
  // GPU.
  bool use_gpu = true;
  bool fp16 = false;
  int device = -1;
  bool validation = false;
  std::string tuning = "auto";
  std::vector<std::string> force_variants;
  bool enable_quant = false;
  int max_partitions = 0;
  int min_nodes_per_partition = 1;
  std::string cache_dir;  // empty with --use_caching=false
  size_t cpu_budget_bytes = 0, gpu_budget_bytes = 0;
  bool require_full_delegation = false;
  // CPU.
  bool use_xnnpack = true;
  // Inputs: positional .npy files, or benchmark_model's named layers.
  std::vector<std::string> input_npy;
  std::vector<std::string> input_layer;      // tensor names
  std::vector<ir::Shape> input_layer_shape;  // one per input_layer entry (or none)
  std::vector<std::pair<std::string, std::string>> input_layer_value_files;  // name, path
  // Output and reports.
  bool profiling = false;
  bool print_placement = false;
  bool verbose = false;
  bool dry_run = false;
  bool report_peak_memory = false;
  bool compare_tflite = false;
  double gemm_ceiling_gflops = 0;
  std::string output_dir, report_json, profiling_csv, partition_svg, profile_svg;
  // TFLite host mode.
  std::string external_delegate_path, external_delegate_options;
};

// Declares every flag (with its help text) and the TFLite aliases.
void DefineBenchFlags(Flags* flags);

// Reads and checks the parsed flags: a clear InvalidArgument naming the flag
// for any bad value.
StatusOr<BenchOptions> ParseBenchOptions(const Flags& flags);

// A --gpu_device value: auto = -1, any = -2 (the C API's numbering), or an
// index; anything else is an error naming the flag.
StatusOr<int> ParseDeviceFlag(const std::string& text);

}  // namespace vkd::tools
