// GPU memory: a sub-allocator over a few large VkDeviceMemory blocks, and
// RAII buffers bound to ranges of them.
//
// Vulkan implementations limit the number of live allocations (4096 is
// common) and each vkAllocateMemory is slow, so buffers never get their own
// VkDeviceMemory: the allocator keeps blocks of `block_bytes` per memory type
// and hands out aligned ranges (first fit, freed ranges coalesced). A buffer
// larger than a block gets a dedicated block of its own size.
//
// Memory domains:
//   kDevice   device-local (mapped too when the device-local type is also
//             host-visible, as on lavapipe and integrated GPUs: then uploads
//             need no staging);
//   kUpload   host-visible, coherent: staging for writes to the GPU;
//   kReadback host-visible, cached when available: staging for reads.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "gpu_runtime/device.h"

namespace vkd::gpu {

enum class MemoryDomain { kDevice, kUpload, kReadback };

class MemoryAllocator;

// A VkBuffer bound to a range of an allocator block. Usage is always
// STORAGE_BUFFER | TRANSFER_SRC | TRANSFER_DST. Returns its range to the
// allocator on destruction.
class Buffer {
 public:
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  MemoryDomain domain() const { return domain_; }
  // Host pointer to the buffer's first byte; nullptr when the memory is not
  // host-visible. Coherent memory needs no flush; non-coherent readback
  // memory is invalidated by InvalidateForRead().
  void* mapped() const { return mapped_; }
  bool host_visible() const { return mapped_ != nullptr; }
  // Makes device writes visible to the host (no-op for coherent memory).
  Status InvalidateForRead();

 private:
  friend class MemoryAllocator;
  Buffer() = default;
  MemoryAllocator* allocator_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  MemoryDomain domain_ = MemoryDomain::kDevice;
  int block_ = -1;             // index into the allocator's blocks
  VkDeviceSize offset_ = 0;    // in the block
  VkDeviceSize reserved_ = 0;  // bytes reserved in the block (aligned)
  void* mapped_ = nullptr;
  bool coherent_ = true;
};

struct MemoryStats {
  uint64_t block_bytes = 0;  // VkDeviceMemory currently allocated
  uint64_t used_bytes = 0;   // bytes of live buffers (aligned reservations)
  uint64_t peak_used_bytes = 0;
  int num_blocks = 0;
  int num_buffers = 0;
};

struct MemoryAllocatorOptions {
  VkDeviceSize block_bytes = 64ull << 20;
};

class MemoryAllocator {
 public:
  // `device` must outlive the allocator, and the allocator every buffer.
  static StatusOr<std::unique_ptr<MemoryAllocator>> Create(const Device& device,
                                                           const MemoryAllocatorOptions& options);
  ~MemoryAllocator();
  MemoryAllocator(const MemoryAllocator&) = delete;
  MemoryAllocator& operator=(const MemoryAllocator&) = delete;

  // ResourceExhausted (naming the size and domain) when the device is out of
  // memory; InvalidArgument for size 0.
  StatusOr<std::unique_ptr<Buffer>> CreateBuffer(VkDeviceSize bytes, MemoryDomain domain);

  // True when kDevice buffers are host-visible (no staging needed).
  bool device_memory_is_host_visible() const;
  // Size of the heap kDevice buffers come from (what a memory budget is
  // measured against).
  VkDeviceSize device_heap_bytes() const;
  MemoryStats stats() const;
  const Device& device() const { return device_; }

 private:
  friend class Buffer;
  explicit MemoryAllocator(const Device& device, const MemoryAllocatorOptions& options);
  void Release(Buffer& buffer);
  Status Invalidate(const Buffer& buffer);
  // Implementation detail: blocks, free lists, memory type per domain.
  struct Block;
  // The helpers below expect mu_ held.
  StatusOr<int> NewBlock(uint32_t memory_type, VkDeviceSize bytes, bool dedicated);
  void FreeBlock(Block& block);
  void ReleaseBlockIfUnused(int index);
  static bool TakeRange(Block& block, VkDeviceSize bytes, VkDeviceSize alignment,
                        VkDeviceSize* offset);
  static void ReturnRange(Block& block, VkDeviceSize offset, VkDeviceSize bytes);
  const Device& device_;
  MemoryAllocatorOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Block>> blocks_;
  uint32_t memory_type_[3] = {UINT32_MAX, UINT32_MAX, UINT32_MAX};  // per domain
  bool host_visible_[3] = {false, false, false};
  bool coherent_[3] = {true, true, true};
  MemoryStats stats_;
  VkPhysicalDeviceMemoryProperties memory_properties_{};
  VkDeviceSize non_coherent_atom_ = 1;
};

}  // namespace vkd::gpu
