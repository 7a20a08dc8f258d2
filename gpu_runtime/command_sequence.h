// A recorded, replayable sequence of GPU work (Kompute's Sequence, IREE's
// command buffer): a command pool, one primary command buffer, a fence and,
// when asked, a timestamp query pool.
//
//   Begin(); Dispatch(...); Barrier(); ... ; End();   // record once
//   Submit(); Wait();                                 // replay many times
//
// The buffer is recorded without ONE_TIME_SUBMIT so it can be resubmitted as
// is; Begin() again resets and re-records (when shapes change).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "gpu_runtime/device.h"
#include "gpu_runtime/pipeline.h"

namespace vkd::gpu {

struct CommandSequenceOptions {
  // Timestamp slots for per-dispatch profiling (0: no query pool). Ignored
  // (timestamps_supported() false) when the device has no compute timestamps.
  uint32_t max_timestamps = 0;
};

class CommandSequence {
 public:
  static StatusOr<std::unique_ptr<CommandSequence>> Create(const Device& device,
                                                           const CommandSequenceOptions& options);
  ~CommandSequence();  // waits for a pending submission first
  CommandSequence(const CommandSequence&) = delete;
  CommandSequence& operator=(const CommandSequence&) = delete;

  // Recording. Begin() resets the command buffer (and the query pool).
  Status Begin();
  void BindPipeline(const ComputePipeline& pipeline);
  void BindDescriptorSet(const ComputePipeline& pipeline, VkDescriptorSet set);
  // `bytes` must equal pipeline.push_constant_bytes().
  void PushConstants(const ComputePipeline& pipeline, const void* data, uint32_t bytes);
  void Dispatch(uint32_t groups_x, uint32_t groups_y, uint32_t groups_z);
  // A compute-write -> compute-read/write barrier on the given buffers
  // (buffer memory barriers, SHADER_WRITE -> SHADER_READ|SHADER_WRITE).
  void ComputeBarrier(const std::vector<VkBuffer>& buffers);
  // Transfer <-> compute ordering, for staging copies at partition edges.
  void TransferToComputeBarrier(const std::vector<VkBuffer>& buffers);
  void ComputeToTransferBarrier(const std::vector<VkBuffer>& buffers);
  // Compute/transfer writes -> host reads (before Wait()+map).
  void ToHostBarrier(const std::vector<VkBuffer>& buffers);
  void CopyBuffer(VkBuffer src, VkDeviceSize src_offset, VkBuffer dst, VkDeviceSize dst_offset,
                  VkDeviceSize bytes);
  // Writes timestamp slot `slot` after all previous commands completed
  // (no-op without a query pool).
  void WriteTimestamp(uint32_t slot);
  // Recording calls return nothing; End() reports the first misuse among them
  // (InvalidArgument, e.g. a push-constant size mismatch), and such a
  // recording cannot be submitted.
  Status End();

  // Replay: one vkQueueSubmit signalling the fence; Wait() blocks on it
  // (with a generous timeout: a hung GPU is an error, not a hang). Submit()
  // while the previous submission is pending is InvalidArgument.
  Status Submit();
  Status Wait();
  // Submit() + Wait().
  Status Run();

  bool timestamps_supported() const { return query_pool_ != VK_NULL_HANDLE; }
  // Nanoseconds between slots after Wait(): out[i] = t[i+1]-t[i] for slots
  // 0..count-1 (count-1 values). Requires count <= max_timestamps.
  StatusOr<std::vector<double>> ReadTimestampDeltasNs(uint32_t count) const;

 private:
  explicit CommandSequence(const Device& device) : device_(device) {}
  // False (and the first misuse kept for End()) when not recording or
  // `ok` is false.
  bool CheckRecording(const char* call, bool ok = true, const std::string& why = "");
  void Barrier(const std::vector<VkBuffer>& buffers, VkPipelineStageFlags src_stages,
               VkAccessFlags src_access, VkPipelineStageFlags dst_stages, VkAccessFlags dst_access);
  const Device& device_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkQueryPool query_pool_ = VK_NULL_HANDLE;
  uint32_t max_timestamps_ = 0;
  uint64_t timestamp_mask_ = ~0ull;  // timestampValidBits of the queue family
  bool pending_ = false;
  bool recording_ = false;
  bool recorded_ok_ = false;  // End() succeeded since the last Begin()
  bool executed_ = false;     // a submission of this recording has completed
  Status record_status_;      // first misuse while recording, returned by End()
  std::vector<bool> timestamp_written_;
};

}  // namespace vkd::gpu
