// Everything the GPU partitions of one delegate share: the Vulkan instance
// and device, the memory allocator, the pipeline cache and the SPIR-V cache.
// Created once per delegate (or per vkd-bench run), before any partition.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "delegate/gpu/kernel_choices.h"
#include "gpu_runtime/device.h"
#include "gpu_runtime/instance.h"
#include "gpu_runtime/memory.h"
#include "gpu_runtime/pipeline.h"
#include "shaders/kernel_spec.h"
#include "shaders/spirv_cache.h"

namespace vkd::gpu_delegate {

struct GpuOptions {
  // kBestGpu: the best hardware device (discrete > integrated > virtual).
  // A software device (lavapipe: a CPU running Vulkan) is slower than
  // vkdelegate's own CPU kernels on the same cores, so it is used only when
  // asked for: kAnyDevice (best device, software included) or its index.
  // The environment variable VKD_DEVICE (auto | any | N) stands in for
  // kBestGpu, for hosts that cannot pass options.
  static constexpr int kBestGpu = -1;
  static constexpr int kAnyDevice = -2;
  int device_index = kBestGpu;
  // fp16 storage and arithmetic (precision loss allowed); falls back to fp32
  // with a warning when the device lacks 16-bit support.
  shaders::Precision precision = shaders::Precision::kFp32;
  // SPIR-V modules and the VkPipelineCache blob persist here; empty: memory only.
  std::string cache_dir;
  // VK_LAYER_KHRONOS_validation on (tests); errors are counted by the instance.
  bool enable_validation = false;
  // Print validation errors on stderr as they happen (the TFLite plug-in).
  bool echo_validation_errors = false;
  // Timestamp every dispatch (per-op GPU times).
  bool enable_profiling = false;
  // Kernel variants: -1 picks by device (shared-memory tiling on GPUs,
  // register blocking on CPU devices such as lavapipe); 0/1 force them.
  int shared_memory_kernels = -1;
  // Kernel variant names (KernelVariant::name, e.g. "gemm_ksplit8") used
  // wherever a kernel offers them, before tuning and heuristics: tests force
  // each variant this way. Also read from VKD_FORCE_VARIANT (comma list).
  std::vector<std::string> force_variants;
  // Timing the variants of each kernel shape at first prepare (timestamp
  // queries), keeping the fastest and caching the choice in cache_dir:
  //   kAuto  on real GPUs (not CPU devices), within tuning_budget_ms per
  //          partition; shapes past the budget keep the heuristic choice;
  //   kOff   heuristics from device facts only;
  //   kFull  every kernel with variants, on any device, no budget.
  enum class Tuning { kAuto, kOff, kFull };
  Tuning tuning = Tuning::kAuto;
  double tuning_budget_ms = 300;
  // The most GPU memory this context's partitions may hold together
  // (activations, weights, staging). A partition that would pass it fails at
  // prepare, and the front doors run it on the CPU. 0: nine tenths of the
  // device heap the tensors live in.
  uint64_t memory_budget_bytes = 0;
};

// Parses a device choice as the options spell it: "auto" (kBestGpu), "any"
// (kAnyDevice) or an index >= 0; false for anything else.
bool ParseDeviceChoice(const std::string& text, int* device_index);

class GpuContext {
 public:
  // Unavailable when there is no Vulkan driver or device.
  static StatusOr<std::shared_ptr<GpuContext>> Create(const GpuOptions& options);
  ~GpuContext();

  const GpuOptions& options() const { return options_; }
  shaders::Precision precision() const { return precision_; }
  gpu::Instance& instance() const { return *instance_; }
  gpu::Device& device() const { return *device_; }
  gpu::MemoryAllocator& allocator() const { return *allocator_; }
  gpu::PipelineCache& pipeline_cache() const { return *pipeline_cache_; }
  shaders::SpirvCache& spirv_cache() const { return *spirv_cache_; }
  // "<device name>|<driver info>|<api version>": part of the SPIR-V cache key.
  const std::string& device_key() const { return device_key_; }
  // Tuned kernel variants per shape, shared by the partitions (and saved
  // with the other caches).
  KernelChoices& kernel_choices() const { return *kernel_choices_; }
  // Start-up cost outside vkdelegate's own work: vkCreateInstance (loader,
  // layers, every ICD) and device creation.
  double instance_ms() const { return instance_ms_; }
  double device_ms() const { return device_ms_; }
  // Saves the pipeline cache blob and new tuning results (when cache_dir is set).
  Status SaveCaches() const;

 private:
  GpuContext() = default;
  GpuOptions options_;
  shaders::Precision precision_ = shaders::Precision::kFp32;
  std::unique_ptr<gpu::Instance> instance_;
  std::unique_ptr<gpu::Device> device_;
  std::unique_ptr<gpu::MemoryAllocator> allocator_;
  std::unique_ptr<gpu::PipelineCache> pipeline_cache_;
  std::unique_ptr<shaders::SpirvCache> spirv_cache_;
  std::unique_ptr<KernelChoices> kernel_choices_;
  std::string device_key_;
  double instance_ms_ = 0, device_ms_ = 0;
};

}  // namespace vkd::gpu_delegate
