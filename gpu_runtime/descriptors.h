// Descriptor sets of storage buffers. A DescriptorArena is sized once for the
// sets a compiled partition needs (one per dispatch) and frees them all at
// once on destruction; sets are written once and reused by every replay.
#pragma once

#include <vulkan/vulkan.h>

#include <memory>
#include <vector>

#include "common/status.h"
#include "gpu_runtime/device.h"
#include "gpu_runtime/pipeline.h"

namespace vkd::gpu {

// A range of a buffer bound to one binding. `range` VK_WHOLE_SIZE is allowed
// but ranges must respect maxStorageBufferRange and offsets
// minStorageBufferOffsetAlignment (checked: InvalidArgument otherwise).
struct BufferBinding {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize range = VK_WHOLE_SIZE;
};

class DescriptorArena {
 public:
  // Room for `max_sets` sets holding `max_buffers` storage-buffer
  // descriptors in total.
  static StatusOr<std::unique_ptr<DescriptorArena>> Create(const Device& device, uint32_t max_sets,
                                                           uint32_t max_buffers);
  ~DescriptorArena();
  DescriptorArena(const DescriptorArena&) = delete;
  DescriptorArena& operator=(const DescriptorArena&) = delete;

  // Allocates a set for `pipeline`'s layout and writes `bindings` (exactly
  // pipeline.num_buffers() of them, binding i = bindings[i]).
  StatusOr<VkDescriptorSet> Allocate(const ComputePipeline& pipeline,
                                     const std::vector<BufferBinding>& bindings);

 private:
  explicit DescriptorArena(const Device& device) : device_(device) {}
  const Device& device_;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  // Counted here so that exhaustion is a clear error on every driver (pools
  // may over- or under-allocate past their sizes).
  uint32_t sets_left_ = 0;
  uint32_t buffers_left_ = 0;
};

}  // namespace vkd::gpu
