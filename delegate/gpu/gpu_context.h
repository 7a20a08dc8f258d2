// Everything the GPU partitions of one delegate share: the Vulkan instance
// and device, the memory allocator, the pipeline cache and the SPIR-V cache.
// Created once per delegate (or per vkd-bench run), before any partition.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "gpu_runtime/device.h"
#include "gpu_runtime/instance.h"
#include "gpu_runtime/memory.h"
#include "gpu_runtime/pipeline.h"
#include "shaders/kernel_spec.h"
#include "shaders/spirv_cache.h"

namespace vkd::gpu_delegate {

struct GpuOptions {
  int device_index = -1;  // -1: discrete > integrated > CPU device (lavapipe)
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
};

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
  // Saves the pipeline cache blob (when cache_dir is set).
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
  std::string device_key_;
};

}  // namespace vkd::gpu_delegate
