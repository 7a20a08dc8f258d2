// Compute pipelines: one SPIR-V module, a descriptor layout of N storage
// buffers (bindings 0..N-1, set 0), an optional push-constant block, and
// specialization constants (constant_id 0..K-1, 32-bit each) — so one shader
// serves many shapes without recompiling.
//
// PipelineCache wraps VkPipelineCache and can persist it to a file (drivers
// that store nothing, like lavapipe, simply return an empty blob).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "gpu_runtime/device.h"

namespace vkd::gpu {

class PipelineCache {
 public:
  // Loads `path` when it exists and holds a blob for this device (a foreign
  // or corrupt file is ignored, not an error). Empty path: in-memory only.
  static StatusOr<std::unique_ptr<PipelineCache>> Create(const Device& device,
                                                         const std::string& path);
  ~PipelineCache();
  PipelineCache(const PipelineCache&) = delete;
  PipelineCache& operator=(const PipelineCache&) = delete;

  VkPipelineCache handle() const { return cache_; }
  // True when the file at `path` was accepted and handed to the driver.
  bool loaded_from_file() const { return loaded_from_file_; }
  // Writes the cache blob to the path given at creation (atomically, via a
  // temporary file and rename). No-op without a path.
  Status Save() const;

 private:
  PipelineCache(const Device& device, std::string path) : device_(device), path_(std::move(path)) {}
  const Device& device_;
  std::string path_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  bool loaded_from_file_ = false;
};

struct ComputePipelineDesc {
  std::string name;                      // for errors and debug labels
  std::vector<uint32_t> spirv;           // entry point "main"
  uint32_t num_buffers = 0;              // storage buffers at bindings 0..num_buffers-1
  uint32_t push_constant_bytes = 0;      // 0: none; else a multiple of 4, <= 128
  std::vector<uint32_t> specialization;  // constant_id i = specialization[i]
};

class ComputePipeline {
 public:
  // `cache` may be null.
  static StatusOr<std::unique_ptr<ComputePipeline>> Create(const Device& device,
                                                           const ComputePipelineDesc& desc,
                                                           const PipelineCache* cache);
  ~ComputePipeline();
  ComputePipeline(const ComputePipeline&) = delete;
  ComputePipeline& operator=(const ComputePipeline&) = delete;

  VkPipeline handle() const { return pipeline_; }
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSetLayout set_layout() const { return set_layout_; }
  uint32_t num_buffers() const { return num_buffers_; }
  uint32_t push_constant_bytes() const { return push_constant_bytes_; }
  const std::string& name() const { return name_; }

 private:
  explicit ComputePipeline(const Device& device) : device_(device) {}
  const Device& device_;
  std::string name_;
  uint32_t num_buffers_ = 0;
  uint32_t push_constant_bytes_ = 0;
  VkShaderModule module_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

}  // namespace vkd::gpu
