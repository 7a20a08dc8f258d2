#include "gpu_runtime/descriptors.h"

#include <string>

#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {

StatusOr<std::unique_ptr<DescriptorArena>> DescriptorArena::Create(const Device& device,
                                                                   uint32_t max_sets,
                                                                   uint32_t max_buffers) {
  if (max_sets == 0) return InvalidArgumentError("DescriptorArena: max_sets is 0");
  std::unique_ptr<DescriptorArena> arena(new DescriptorArena(device));
  VkDescriptorPoolSize size{};
  size.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  // descriptorCount must be > 0 even when every set is empty.
  size.descriptorCount = max_buffers > 0 ? max_buffers : 1;
  // No FREE_DESCRIPTOR_SET_BIT: sets live as long as the arena, and pools
  // without it allocate linearly (cheaper on most drivers).
  auto info = VkInit<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  info.maxSets = max_sets;
  info.poolSizeCount = 1;
  info.pPoolSizes = &size;
  VKD_VK_RETURN_IF_ERROR(vkCreateDescriptorPool(device.handle(), &info, nullptr, &arena->pool_));
  arena->sets_left_ = max_sets;
  arena->buffers_left_ = max_buffers;
  return arena;
}

DescriptorArena::~DescriptorArena() {
  // Destroying the pool frees its sets.
  if (pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(device_.handle(), pool_, nullptr);
}

StatusOr<VkDescriptorSet> DescriptorArena::Allocate(const ComputePipeline& pipeline,
                                                    const std::vector<BufferBinding>& bindings) {
  const std::string context = "descriptor set for pipeline '" + pipeline.name() + "'";
  if (bindings.size() != pipeline.num_buffers()) {
    return InvalidArgumentError(context + ": " + std::to_string(bindings.size()) +
                                " bindings given, the pipeline has " +
                                std::to_string(pipeline.num_buffers()));
  }
  const DeviceInfo& info = device_.info();
  for (size_t i = 0; i < bindings.size(); ++i) {
    const BufferBinding& b = bindings[i];
    const std::string where = context + ": binding " + std::to_string(i);
    if (b.buffer == VK_NULL_HANDLE) return InvalidArgumentError(where + ": no buffer");
    if (info.min_storage_buffer_offset_alignment > 0 &&
        b.offset % info.min_storage_buffer_offset_alignment != 0) {
      return InvalidArgumentError(where + ": offset " + std::to_string(b.offset) +
                                  " is not a multiple of minStorageBufferOffsetAlignment " +
                                  std::to_string(info.min_storage_buffer_offset_alignment));
    }
    // VK_WHOLE_SIZE cannot be checked here (the buffer's size is not known
    // from its handle); the validation layer checks the effective range.
    if (b.range != VK_WHOLE_SIZE && (b.range == 0 || b.range > info.max_storage_buffer_range)) {
      return InvalidArgumentError(where + ": range " + std::to_string(b.range) +
                                  " is not in [1, maxStorageBufferRange " +
                                  std::to_string(info.max_storage_buffer_range) + "]");
    }
  }
  if (sets_left_ == 0 || buffers_left_ < bindings.size()) {
    return ResourceExhaustedError(context + ": descriptor arena is full (" +
                                  std::to_string(sets_left_) + " sets and " +
                                  std::to_string(buffers_left_) + " buffers left, " +
                                  std::to_string(bindings.size()) + " buffers asked)");
  }

  const VkDescriptorSetLayout layout = pipeline.set_layout();
  auto alloc = VkInit<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  alloc.descriptorPool = pool_;
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  {
    const VkResult r = vkAllocateDescriptorSets(device_.handle(), &alloc, &set);
    if (r != VK_SUCCESS)
      return VkResultToStatus(r, "vkAllocateDescriptorSets").WithContext(context);
  }
  sets_left_--;
  buffers_left_ -= static_cast<uint32_t>(bindings.size());

  std::vector<VkDescriptorBufferInfo> buffer_infos(bindings.size());
  std::vector<VkWriteDescriptorSet> writes(bindings.size());
  for (size_t i = 0; i < bindings.size(); ++i) {
    buffer_infos[i].buffer = bindings[i].buffer;
    buffer_infos[i].offset = bindings[i].offset;
    buffer_infos[i].range = bindings[i].range;
    writes[i] = VkInit<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
    writes[i].dstSet = set;
    writes[i].dstBinding = static_cast<uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &buffer_infos[i];
  }
  if (!writes.empty()) {
    vkUpdateDescriptorSets(device_.handle(), static_cast<uint32_t>(writes.size()), writes.data(), 0,
                           nullptr);
  }
  return set;
}

}  // namespace vkd::gpu
