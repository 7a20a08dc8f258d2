#include "gpu_runtime/memory.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <string>

#include "gpu_runtime/fault_injection.h"
#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {
namespace {

constexpr VkBufferUsageFlags kUsage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                      VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                      VK_BUFFER_USAGE_TRANSFER_DST_BIT;

const char* DomainName(MemoryDomain domain) {
  switch (domain) {
    case MemoryDomain::kDevice:
      return "device";
    case MemoryDomain::kUpload:
      return "upload";
    case MemoryDomain::kReadback:
      return "readback";
  }
  return "?";
}

VkDeviceSize AlignUp(VkDeviceSize value, VkDeviceSize alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

std::string SizeAndDomain(VkDeviceSize bytes, MemoryDomain domain) {
  return std::to_string(bytes) + "-byte " + DomainName(domain) + " buffer";
}

// Picks the memory type for `domain` among `allowed` (a memoryTypeBits mask).
// Returns UINT32_MAX when none fits. Lower indices win ties: drivers list
// their faster types first.
uint32_t ChooseMemoryType(const VkPhysicalDeviceMemoryProperties& mem, uint32_t allowed,
                          MemoryDomain domain) {
  constexpr VkMemoryPropertyFlags kLocal = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  constexpr VkMemoryPropertyFlags kMappable =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // A host-visible device-local type is only worth preferring when it sits in
  // the largest device-local heap (unified memory, or resizable BAR). Without
  // ReBAR, discrete GPUs expose a 256 MiB BAR window as such a type; putting
  // every tensor there would exhaust it.
  VkDeviceSize largest_local_heap = 0;
  for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
    if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
      largest_local_heap = std::max(largest_local_heap, mem.memoryHeaps[h].size);
    }
  }
  uint32_t best = UINT32_MAX;
  int best_score = -1;
  for (uint32_t t = 0; t < mem.memoryTypeCount; ++t) {
    if (!(allowed & (1u << t))) continue;
    const VkMemoryPropertyFlags f = mem.memoryTypes[t].propertyFlags;
    const bool local = (f & kLocal) != 0;
    const bool mappable = (f & kMappable) == kMappable;
    int score = -1;
    switch (domain) {
      case MemoryDomain::kDevice: {
        const bool big_heap =
            mem.memoryHeaps[mem.memoryTypes[t].heapIndex].size >= largest_local_heap;
        if (local) score = (mappable && big_heap) ? 3 : 2;
        break;
      }
      case MemoryDomain::kUpload:
        // System memory first: the GPU reads it over the bus, and the
        // device-local host-visible heap may be a small BAR window. Cached
        // memory is preferred: the host's memcpy into it runs at cache speed
        // instead of through write-combining buffers.
        if (mappable) {
          score = (local ? 1 : 3) + ((f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 1 : 0);
        }
        break;
      case MemoryDomain::kReadback:
        // Uncached host reads are ~10x slower than cached ones.
        if (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
          score = (f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 3 : 1;
          if (f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) score += 1;
        }
        break;
    }
    if (score > best_score) {
      best = t;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

// One VkDeviceMemory and the free ranges in it. Guarded by the allocator's mu_.
struct MemoryAllocator::Block {
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint32_t memory_type = UINT32_MAX;
  VkDeviceSize size = 0;
  void* mapped = nullptr;  // whole block, when its type is host-visible
  bool dedicated = false;  // holds one buffer larger than block_bytes
  int live_buffers = 0;
  // offset -> size; ordered so neighbours can be coalesced on free.
  std::map<VkDeviceSize, VkDeviceSize> free_ranges;
};

Buffer::~Buffer() {
  if (allocator_ != nullptr) allocator_->Release(*this);
}

Status Buffer::InvalidateForRead() {
  if (mapped_ == nullptr || coherent_) return Status::Ok();
  return allocator_->Invalidate(*this);
}

MemoryAllocator::MemoryAllocator(const Device& device, const MemoryAllocatorOptions& options)
    : device_(device), options_(options) {}

StatusOr<std::unique_ptr<MemoryAllocator>> MemoryAllocator::Create(
    const Device& device, const MemoryAllocatorOptions& options) {
  if (options.block_bytes == 0) return InvalidArgumentError("MemoryAllocator: block_bytes is 0");
  std::unique_ptr<MemoryAllocator> alloc(new MemoryAllocator(device, options));
  vkGetPhysicalDeviceMemoryProperties(device.physical_device(), &alloc->memory_properties_);
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(device.physical_device(), &props);
  alloc->non_coherent_atom_ = std::max<VkDeviceSize>(1, props.limits.nonCoherentAtomSize);

  // memoryTypeBits is the same for every buffer created with the same usage
  // and flags (Vulkan spec, VkMemoryRequirements), so one probe buffer tells
  // which types all our buffers may use.
  auto info = VkInit<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = 256;
  info.usage = kUsage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer probe = VK_NULL_HANDLE;
  VKD_VK_RETURN_IF_ERROR(vkCreateBuffer(device.handle(), &info, nullptr, &probe));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device.handle(), probe, &req);
  vkDestroyBuffer(device.handle(), probe, nullptr);

  const auto& mem = alloc->memory_properties_;
  for (MemoryDomain d : {MemoryDomain::kDevice, MemoryDomain::kUpload, MemoryDomain::kReadback}) {
    const int i = static_cast<int>(d);
    const uint32_t type = ChooseMemoryType(mem, req.memoryTypeBits, d);
    if (type == UINT32_MAX) {
      return UnavailableError(std::string("no Vulkan memory type fits ") + DomainName(d) +
                              " buffers on '" + device.info().name + "'");
    }
    const VkMemoryPropertyFlags f = mem.memoryTypes[type].propertyFlags;
    alloc->memory_type_[i] = type;
    alloc->coherent_[i] = (f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    // Device buffers are exposed as mapped only when coherent: there is no
    // flush in the Buffer API, so host writes must be visible at submit.
    alloc->host_visible_[i] = (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0 &&
                              (d == MemoryDomain::kReadback || alloc->coherent_[i]);
  }
  return alloc;
}

MemoryAllocator::~MemoryAllocator() {
  // Buffers hold a pointer back here; one outliving the allocator is a bug.
  assert(stats_.num_buffers == 0 && "MemoryAllocator destroyed before its buffers");
  for (auto& block : blocks_) {
    if (block) FreeBlock(*block);
  }
}

bool MemoryAllocator::device_memory_is_host_visible() const {
  return host_visible_[static_cast<int>(MemoryDomain::kDevice)];
}

VkDeviceSize MemoryAllocator::device_heap_bytes() const {
  const uint32_t type = memory_type_[static_cast<int>(MemoryDomain::kDevice)];
  return memory_properties_.memoryHeaps[memory_properties_.memoryTypes[type].heapIndex].size;
}

MemoryStats MemoryAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void MemoryAllocator::FreeBlock(Block& block) {
  if (block.mapped != nullptr) vkUnmapMemory(device_.handle(), block.memory);
  vkFreeMemory(device_.handle(), block.memory, nullptr);
  block.memory = VK_NULL_HANDLE;
  block.mapped = nullptr;
}

StatusOr<int> MemoryAllocator::NewBlock(uint32_t memory_type, VkDeviceSize bytes, bool dedicated) {
  auto block = std::make_unique<Block>();
  block->memory_type = memory_type;
  block->size = bytes;
  block->dedicated = dedicated;
  auto info = VkInit<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  info.allocationSize = bytes;
  info.memoryTypeIndex = memory_type;
  VKD_VK_RETURN_IF_ERROR(vkAllocateMemory(device_.handle(), &info, nullptr, &block->memory));
  const VkMemoryPropertyFlags f = memory_properties_.memoryTypes[memory_type].propertyFlags;
  if (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
    // Mapped once for the block's lifetime: vkMapMemory per buffer would be
    // invalid (a VkDeviceMemory maps once) and slow.
    const VkResult r =
        vkMapMemory(device_.handle(), block->memory, 0, VK_WHOLE_SIZE, 0, &block->mapped);
    if (r != VK_SUCCESS) {
      vkFreeMemory(device_.handle(), block->memory, nullptr);
      return VkResultToStatus(r, "vkMapMemory(block)");
    }
  }
  block->free_ranges.emplace(0, bytes);
  stats_.block_bytes += bytes;
  stats_.num_blocks++;
  // Reuse a slot of a freed block: live buffers keep their block index.
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (!blocks_[i]) {
      blocks_[i] = std::move(block);
      return static_cast<int>(i);
    }
  }
  blocks_.push_back(std::move(block));
  return static_cast<int>(blocks_.size() - 1);
}

bool MemoryAllocator::TakeRange(Block& block, VkDeviceSize bytes, VkDeviceSize alignment,
                                VkDeviceSize* offset) {
  for (auto it = block.free_ranges.begin(); it != block.free_ranges.end(); ++it) {
    const VkDeviceSize start = it->first;
    const VkDeviceSize end = it->first + it->second;
    const VkDeviceSize aligned = AlignUp(start, alignment);
    if (aligned > end || end - aligned < bytes) continue;
    block.free_ranges.erase(it);
    // The alignment gap and the tail stay free.
    if (aligned > start) block.free_ranges.emplace(start, aligned - start);
    if (aligned + bytes < end) block.free_ranges.emplace(aligned + bytes, end - aligned - bytes);
    *offset = aligned;
    return true;
  }
  return false;
}

void MemoryAllocator::ReturnRange(Block& block, VkDeviceSize offset, VkDeviceSize bytes) {
  auto next = block.free_ranges.lower_bound(offset);
  assert(next == block.free_ranges.end() || next->first >= offset + bytes);
  if (next != block.free_ranges.end() && next->first == offset + bytes) {
    bytes += next->second;
    next = block.free_ranges.erase(next);
  }
  if (next != block.free_ranges.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += bytes;
      return;
    }
  }
  block.free_ranges.emplace(offset, bytes);
}

StatusOr<std::unique_ptr<Buffer>> MemoryAllocator::CreateBuffer(VkDeviceSize bytes,
                                                                MemoryDomain domain) {
  if (bytes == 0) {
    return InvalidArgumentError(std::string("CreateBuffer: size 0 for a ") + DomainName(domain) +
                                " buffer");
  }
  if (InjectFault(Fault::kAlloc)) {
    return ResourceExhaustedError("out of device memory for a " + SizeAndDomain(bytes, domain) +
                                  " (injected fault)");
  }
  const int d = static_cast<int>(domain);
  const uint32_t type = memory_type_[d];
  const VkMemoryHeap& heap =
      memory_properties_.memoryHeaps[memory_properties_.memoryTypes[type].heapIndex];
  // Refused here rather than by the driver: some drivers abort, or the
  // validation layer complains, on sizes past the heap.
  if (bytes > heap.size) {
    return ResourceExhaustedError("cannot allocate a " + SizeAndDomain(bytes, domain) +
                                  ": larger than its memory heap (" + std::to_string(heap.size) +
                                  " bytes)");
  }

  std::unique_ptr<Buffer> buffer(new Buffer());
  buffer->size_ = bytes;
  buffer->domain_ = domain;
  buffer->coherent_ = coherent_[d];
  auto info = VkInit<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = bytes;
  info.usage = kUsage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  {
    const VkResult r = vkCreateBuffer(device_.handle(), &info, nullptr, &buffer->buffer_);
    if (r != VK_SUCCESS) {
      return VkResultToStatus(r, "vkCreateBuffer").WithContext(SizeAndDomain(bytes, domain));
    }
  }
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_.handle(), buffer->buffer_, &req);
  if (!(req.memoryTypeBits & (1u << type))) {
    vkDestroyBuffer(device_.handle(), buffer->buffer_, nullptr);
    return InternalError("memory type " + std::to_string(type) + " chosen for " +
                         DomainName(domain) + " buffers is not allowed for a " +
                         SizeAndDomain(bytes, domain));
  }
  // Offsets must suit both the buffer (bind) and descriptor offsets into it;
  // non-coherent ranges get whole atoms so invalidating one buffer never
  // touches its neighbours' bytes.
  VkDeviceSize alignment = std::max<VkDeviceSize>(
      {req.alignment, device_.info().min_storage_buffer_offset_alignment, 1});
  if (!coherent_[d]) alignment = std::max(alignment, non_coherent_atom_);
  const VkDeviceSize reserve = AlignUp(req.size, alignment);

  std::lock_guard<std::mutex> lock(mu_);
  int block_index = -1;
  VkDeviceSize offset = 0;
  if (reserve <= options_.block_bytes) {
    for (size_t i = 0; i < blocks_.size() && block_index < 0; ++i) {
      Block* b = blocks_[i].get();
      if (b && !b->dedicated && b->memory_type == type &&
          TakeRange(*b, reserve, alignment, &offset))
        block_index = static_cast<int>(i);
    }
    if (block_index < 0) {
      auto made = NewBlock(type, options_.block_bytes, /*dedicated=*/false);
      if (!made.ok() && made.status().code() != StatusCode::kResourceExhausted) {
        vkDestroyBuffer(device_.handle(), buffer->buffer_, nullptr);
        return made.status().WithContext("allocating a " + SizeAndDomain(bytes, domain));
      }
      if (made.ok()) {
        block_index = *made;
        const bool fits = TakeRange(*blocks_[block_index], reserve, alignment, &offset);
        assert(fits);
        (void)fits;
      }
      // Out of memory for a whole block: fall through to an exact-size one.
    }
  }
  if (block_index < 0) {
    auto made = NewBlock(type, reserve, /*dedicated=*/true);
    if (!made.ok()) {
      vkDestroyBuffer(device_.handle(), buffer->buffer_, nullptr);
      const Status s = made.status();
      const std::string what = "cannot allocate a " + SizeAndDomain(bytes, domain);
      if (s.code() == StatusCode::kResourceExhausted) {
        return ResourceExhaustedError(what + " (out of memory): " + s.message());
      }
      return s.WithContext(what);
    }
    block_index = *made;
    TakeRange(*blocks_[block_index], reserve, alignment, &offset);
  }
  Block& block = *blocks_[block_index];
  const VkResult r = vkBindBufferMemory(device_.handle(), buffer->buffer_, block.memory, offset);
  if (r != VK_SUCCESS) {
    vkDestroyBuffer(device_.handle(), buffer->buffer_, nullptr);
    ReturnRange(block, offset, reserve);
    if (block.dedicated) ReleaseBlockIfUnused(block_index);
    return VkResultToStatus(r, "vkBindBufferMemory").WithContext(SizeAndDomain(bytes, domain));
  }
  block.live_buffers++;
  buffer->allocator_ = this;
  buffer->block_ = block_index;
  buffer->offset_ = offset;
  buffer->reserved_ = reserve;
  if (block.mapped != nullptr && host_visible_[d]) {
    buffer->mapped_ = static_cast<char*>(block.mapped) + offset;
  }
  stats_.used_bytes += reserve;
  stats_.peak_used_bytes = std::max(stats_.peak_used_bytes, stats_.used_bytes);
  stats_.num_buffers++;
  return buffer;
}

void MemoryAllocator::ReleaseBlockIfUnused(int index) {
  Block& block = *blocks_[index];
  if (block.live_buffers > 0) return;
  if (!block.dedicated) {
    // Keep one empty block per memory type, so a model that frees and
    // re-creates its buffers does not pay vkAllocateMemory each time.
    bool other_empty = false;
    for (size_t i = 0; i < blocks_.size(); ++i) {
      const Block* b = blocks_[i].get();
      if (b && static_cast<int>(i) != index && !b->dedicated &&
          b->memory_type == block.memory_type && b->live_buffers == 0) {
        other_empty = true;
      }
    }
    if (!other_empty) return;
  }
  stats_.block_bytes -= block.size;
  stats_.num_blocks--;
  FreeBlock(block);
  blocks_[index].reset();
}

void MemoryAllocator::Release(Buffer& buffer) {
  // The buffer goes first: its memory may be reused as soon as the range is
  // back in the free list.
  vkDestroyBuffer(device_.handle(), buffer.buffer_, nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  Block& block = *blocks_[buffer.block_];
  ReturnRange(block, buffer.offset_, buffer.reserved_);
  block.live_buffers--;
  stats_.used_bytes -= buffer.reserved_;
  stats_.num_buffers--;
  ReleaseBlockIfUnused(buffer.block_);
}

Status MemoryAllocator::Invalidate(const Buffer& buffer) {
  std::lock_guard<std::mutex> lock(mu_);
  const Block& block = *blocks_[buffer.block_];
  // The reservation is whole atoms (see CreateBuffer), as vkInvalidate wants.
  auto range = VkInit<VkMappedMemoryRange>(VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE);
  range.memory = block.memory;
  range.offset = buffer.offset_;
  range.size = std::min(buffer.reserved_, block.size - buffer.offset_);
  if (range.offset + range.size == block.size) range.size = VK_WHOLE_SIZE;
  VKD_VK_RETURN_IF_ERROR(vkInvalidateMappedMemoryRanges(device_.handle(), 1, &range));
  return Status::Ok();
}

}  // namespace vkd::gpu
