// The one mapping from the public C option structs to the C++ options both
// front doors run on. VkdDelegateOptions (vkdelegate.h) and VkdRunnerOptions
// (runner.h) share their GPU, partition and quantization fields by name, so
// one template checks and converts them for both; each front door adds only
// what is its own (the runner's threads and profiling, the delegate's log
// level).
#pragma once

#include <cstdint>
#include <string>

#include "delegate/gpu/gpu_context.h"
#include "model/partition/partitioner.h"

namespace vkd::api {

struct CommonOptions {
  gpu_delegate::GpuOptions gpu;
  partition::PartitionOptions partition;
  bool enable_quant = false;
};

// Checks and converts the shared fields of `in` (either C struct). A NULL
// cache_dir becomes `null_cache_dir`. Returns "" or what is wrong, naming
// the field.
template <typename COptions>
std::string ConvertCommonOptions(const COptions& in, const std::string& null_cache_dir,
                                 CommonOptions* out) {
  if (in.enable_fp16 != 0 && in.enable_fp16 != 1) return "enable_fp16 must be 0 or 1";
  if (in.device_index < gpu_delegate::GpuOptions::kAnyDevice) {
    return "device_index must be -1 (best GPU), -2 (any device) or >= 0";
  }
  if (in.max_partitions < 0) return "max_partitions must be >= 0";
  if (in.min_nodes_per_partition < 1) return "min_nodes_per_partition must be >= 1";
  if (in.tuning < 0 || in.tuning > 2) return "tuning must be 0 (auto), 1 (off) or 2 (full)";
  if (in.gpu_memory_budget_mb < 0) return "gpu_memory_budget_mb must be >= 0";
  gpu_delegate::GpuOptions& g = out->gpu;
  g.precision = in.enable_fp16 ? shaders::Precision::kFp16 : shaders::Precision::kFp32;
  g.device_index = in.device_index;
  g.cache_dir = in.cache_dir ? std::string(in.cache_dir) : null_cache_dir;
  g.enable_validation = in.enable_validation != 0;
  g.tuning = static_cast<gpu_delegate::GpuOptions::Tuning>(in.tuning);
  g.memory_budget_bytes = static_cast<uint64_t>(in.gpu_memory_budget_mb) << 20;
  out->partition.max_partitions = in.max_partitions;
  out->partition.min_nodes_per_partition = in.min_nodes_per_partition;
  out->enable_quant = in.enable_quant != 0;
  return "";
}

}  // namespace vkd::api
