#include "gpu_runtime/command_sequence.h"

#include <chrono>
#include <thread>

#include "gpu_runtime/fault_injection.h"
#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {
namespace {

// Long enough for any real dispatch sequence on a CPU driver, short enough
// that a hung GPU ends in an error rather than a frozen process.
constexpr uint64_t kWaitTimeoutNs = 60ull * 1000 * 1000 * 1000;
// How long Wait() polls the fence before it sleeps on it (real GPUs only).
constexpr int kSpinUs = 3000;

}  // namespace

StatusOr<std::unique_ptr<CommandSequence>> CommandSequence::Create(
    const Device& device, const CommandSequenceOptions& options) {
  std::unique_ptr<CommandSequence> seq(new CommandSequence(device));
  const VkDevice dev = device.handle();
  // No RESET_COMMAND_BUFFER_BIT: Begin() resets the whole pool, which holds
  // only this buffer and is the cheaper reset on most drivers.
  auto pool_info = VkInit<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  pool_info.queueFamilyIndex = device.queue_family();
  VKD_VK_RETURN_IF_ERROR(vkCreateCommandPool(dev, &pool_info, nullptr, &seq->pool_));

  auto alloc = VkInit<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  alloc.commandPool = seq->pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VKD_VK_RETURN_IF_ERROR(vkAllocateCommandBuffers(dev, &alloc, &seq->cmd_));

  auto fence_info = VkInit<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  VKD_VK_RETURN_IF_ERROR(vkCreateFence(dev, &fence_info, nullptr, &seq->fence_));

  if (options.max_timestamps > 0 && device.info().timestamp_period_ns > 0) {
    auto query_info = VkInit<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
    query_info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    query_info.queryCount = options.max_timestamps;
    VKD_VK_RETURN_IF_ERROR(vkCreateQueryPool(dev, &query_info, nullptr, &seq->query_pool_));
    seq->max_timestamps_ = options.max_timestamps;
    seq->timestamp_written_.assign(options.max_timestamps, false);
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device.physical_device(), &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    vkGetPhysicalDeviceQueueFamilyProperties(device.physical_device(), &n, families.data());
    const uint32_t bits = families[device.queue_family()].timestampValidBits;
    seq->timestamp_mask_ = bits >= 64 ? ~0ull : (1ull << bits) - 1;
  }
  return seq;
}

CommandSequence::~CommandSequence() {
  const VkDevice dev = device_.handle();
  if (pending_ && vkWaitForFences(dev, 1, &fence_, VK_TRUE, kWaitTimeoutNs) != VK_SUCCESS) {
    // Still running (hung or lost device): destroying what the GPU may still
    // use is undefined behaviour, so leak it; the device's destruction
    // reclaims it.
    return;
  }
  if (query_pool_ != VK_NULL_HANDLE) vkDestroyQueryPool(dev, query_pool_, nullptr);
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(dev, fence_, nullptr);
  // Frees cmd_ too.
  if (pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(dev, pool_, nullptr);
}

bool CommandSequence::CheckRecording(const char* call, bool ok, const std::string& why) {
  if (!recording_) {
    if (record_status_.ok()) {
      record_status_ = InvalidArgumentError(std::string(call) + " outside Begin()/End()");
    }
    return false;
  }
  if (!ok && record_status_.ok()) record_status_ = InvalidArgumentError(call + (": " + why));
  return ok;
}

Status CommandSequence::Begin() {
  // A pending command buffer must not be reset.
  VKD_RETURN_IF_ERROR(Wait());
  VKD_VK_RETURN_IF_ERROR(vkResetCommandPool(device_.handle(), pool_, 0));
  recording_ = false;
  recorded_ok_ = false;
  executed_ = false;
  record_status_ = Status::Ok();
  timestamp_written_.assign(max_timestamps_, false);
  // Flags 0, not ONE_TIME_SUBMIT: the recording is replayed many times.
  auto begin = VkInit<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  VKD_VK_RETURN_IF_ERROR(vkBeginCommandBuffer(cmd_, &begin));
  recording_ = true;
  // Reset in the command buffer, so each replay starts from unavailable
  // queries without a host-side reset (hostQueryReset is optional).
  if (query_pool_ != VK_NULL_HANDLE) vkCmdResetQueryPool(cmd_, query_pool_, 0, max_timestamps_);
  return Status::Ok();
}

void CommandSequence::BindPipeline(const ComputePipeline& pipeline) {
  if (!CheckRecording("BindPipeline")) return;
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
}

void CommandSequence::BindDescriptorSet(const ComputePipeline& pipeline, VkDescriptorSet set) {
  if (!CheckRecording("BindDescriptorSet", set != VK_NULL_HANDLE,
                      "null set for pipeline '" + pipeline.name() + "'")) {
    return;
  }
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &set, 0,
                          nullptr);
}

void CommandSequence::PushConstants(const ComputePipeline& pipeline, const void* data,
                                    uint32_t bytes) {
  if (!CheckRecording("PushConstants", bytes == pipeline.push_constant_bytes() && bytes > 0,
                      std::to_string(bytes) + " bytes given, pipeline '" + pipeline.name() +
                          "' declares " + std::to_string(pipeline.push_constant_bytes()))) {
    return;
  }
  vkCmdPushConstants(cmd_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, bytes, data);
}

void CommandSequence::Dispatch(uint32_t groups_x, uint32_t groups_y, uint32_t groups_z) {
  if (!CheckRecording("Dispatch")) return;
  vkCmdDispatch(cmd_, groups_x, groups_y, groups_z);
}

void CommandSequence::Barrier(const std::vector<VkBuffer>& buffers, VkPipelineStageFlags src_stages,
                              VkAccessFlags src_access, VkPipelineStageFlags dst_stages,
                              VkAccessFlags dst_access) {
  if (buffers.empty()) {
    // No buffers named: order all memory, which is what a caller that does
    // not track buffers needs.
    auto barrier = VkInit<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    barrier.srcAccessMask = src_access;
    barrier.dstAccessMask = dst_access;
    vkCmdPipelineBarrier(cmd_, src_stages, dst_stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
    return;
  }
  std::vector<VkBufferMemoryBarrier> barriers(buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    barriers[i] = VkInit<VkBufferMemoryBarrier>(VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER);
    barriers[i].srcAccessMask = src_access;
    barriers[i].dstAccessMask = dst_access;
    barriers[i].srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barriers[i].dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barriers[i].buffer = buffers[i];
    barriers[i].offset = 0;
    barriers[i].size = VK_WHOLE_SIZE;
  }
  vkCmdPipelineBarrier(cmd_, src_stages, dst_stages, 0, 0, nullptr,
                       static_cast<uint32_t>(barriers.size()), barriers.data(), 0, nullptr);
}

void CommandSequence::ComputeBarrier(const std::vector<VkBuffer>& buffers) {
  if (!CheckRecording("ComputeBarrier")) return;
  Barrier(buffers, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
          VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void CommandSequence::TransferToComputeBarrier(const std::vector<VkBuffer>& buffers) {
  if (!CheckRecording("TransferToComputeBarrier")) return;
  Barrier(buffers, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
          VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void CommandSequence::ComputeToTransferBarrier(const std::vector<VkBuffer>& buffers) {
  if (!CheckRecording("ComputeToTransferBarrier")) return;
  Barrier(buffers, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
          VK_PIPELINE_STAGE_TRANSFER_BIT,
          VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
}

void CommandSequence::ToHostBarrier(const std::vector<VkBuffer>& buffers) {
  if (!CheckRecording("ToHostBarrier")) return;
  Barrier(buffers, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
          VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
          VK_ACCESS_HOST_READ_BIT);
}

void CommandSequence::CopyBuffer(VkBuffer src, VkDeviceSize src_offset, VkBuffer dst,
                                 VkDeviceSize dst_offset, VkDeviceSize bytes) {
  if (!CheckRecording("CopyBuffer", bytes > 0 && src != VK_NULL_HANDLE && dst != VK_NULL_HANDLE,
                      "empty copy or null buffer")) {
    return;
  }
  VkBufferCopy region{};
  region.srcOffset = src_offset;
  region.dstOffset = dst_offset;
  region.size = bytes;
  vkCmdCopyBuffer(cmd_, src, dst, 1, &region);
}

void CommandSequence::WriteTimestamp(uint32_t slot) {
  if (query_pool_ == VK_NULL_HANDLE) return;
  if (!CheckRecording("WriteTimestamp", slot < max_timestamps_,
                      "slot " + std::to_string(slot) + " >= max_timestamps " +
                          std::to_string(max_timestamps_))) {
    return;
  }
  vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, query_pool_, slot);
  timestamp_written_[slot] = true;
}

Status CommandSequence::End() {
  if (!recording_) return InvalidArgumentError("End() without Begin()");
  recording_ = false;
  VKD_VK_RETURN_IF_ERROR(vkEndCommandBuffer(cmd_));
  if (!record_status_.ok()) return record_status_.WithContext("recording");
  recorded_ok_ = true;
  return Status::Ok();
}

Status CommandSequence::Submit() {
  if (recording_) return InvalidArgumentError("Submit() before End()");
  if (!recorded_ok_) return InvalidArgumentError("Submit() without a successful recording");
  if (pending_) return InvalidArgumentError("Submit() while the previous submission is pending");
  VKD_VK_RETURN_IF_ERROR(vkResetFences(device_.handle(), 1, &fence_));
  auto submit = VkInit<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd_;
  if (InjectFault(Fault::kDeviceLost)) {
    return VkResultToStatus(VK_ERROR_DEVICE_LOST, "vkQueueSubmit (injected fault)");
  }
  {
    std::lock_guard<std::mutex> lock(device_.queue_mutex());
    VKD_VK_RETURN_IF_ERROR(vkQueueSubmit(device_.compute_queue(), 1, &submit, fence_));
  }
  pending_ = true;
  executed_ = false;
  return Status::Ok();
}

Status CommandSequence::Wait() {
  if (!pending_) return Status::Ok();
  // On a real GPU a batch-1 submission finishes in well under a millisecond,
  // and a sleeping fence wait adds the OS's wake-up latency (tens of
  // microseconds) to every invoke: poll the fence briefly first. Not on CPU
  // devices (lavapipe), whose worker threads need the cores we would spin on.
  VkResult r = VK_NOT_READY;
  if (device_.info().kind != DeviceKind::kCpu) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinUs);
    do {
      r = vkGetFenceStatus(device_.handle(), fence_);
      if (r != VK_NOT_READY) break;
      std::this_thread::yield();
    } while (std::chrono::steady_clock::now() < deadline);
  }
  if (r == VK_NOT_READY) r = vkWaitForFences(device_.handle(), 1, &fence_, VK_TRUE, kWaitTimeoutNs);
  if (InjectFault(Fault::kTimeout)) {
    // The work did finish (the wait above returned): only the report is
    // injected, so the sequence stays consistent for the caller's fallback.
    pending_ = false;
    return UnavailableError("deadline exceeded: GPU work did not finish within " +
                            std::to_string(kWaitTimeoutNs / 1000000000) + " s (injected fault)");
  }
  if (r == VK_TIMEOUT) {
    // StatusCode has no DeadlineExceeded; Unavailable is the closest.
    return UnavailableError("deadline exceeded: GPU work did not finish within " +
                            std::to_string(kWaitTimeoutNs / 1000000000) + " s");
  }
  VKD_VK_RETURN_IF_ERROR(r);
  pending_ = false;
  executed_ = true;
  return Status::Ok();
}

Status CommandSequence::Run() {
  VKD_RETURN_IF_ERROR(Submit());
  return Wait();
}

StatusOr<std::vector<double>> CommandSequence::ReadTimestampDeltasNs(uint32_t count) const {
  if (query_pool_ == VK_NULL_HANDLE) {
    return UnimplementedError(
        "no timestamp query pool (device without compute timestamps, or "
        "max_timestamps 0)");
  }
  if (count > max_timestamps_) {
    return InvalidArgumentError("ReadTimestampDeltasNs: " + std::to_string(count) +
                                " slots, max_timestamps is " + std::to_string(max_timestamps_));
  }
  if (!executed_) {
    return InvalidArgumentError("ReadTimestampDeltasNs before a submission completed (Wait())");
  }
  for (uint32_t i = 0; i < count; ++i) {
    // Reading a query that is never written would wait forever.
    if (!timestamp_written_[i]) {
      return InvalidArgumentError("ReadTimestampDeltasNs: slot " + std::to_string(i) +
                                  " was not written in this recording");
    }
  }
  std::vector<double> deltas;
  if (count < 2) return deltas;
  std::vector<uint64_t> ticks(count);
  const VkResult r = vkGetQueryPoolResults(device_.handle(), query_pool_, 0, count,
                                           ticks.size() * sizeof(uint64_t), ticks.data(),
                                           sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
  if (r == VK_NOT_READY) return InternalError("timestamps not available after Wait()");
  VKD_VK_RETURN_IF_ERROR(r);
  const double period = device_.info().timestamp_period_ns;
  deltas.reserve(count - 1);
  for (uint32_t i = 0; i + 1 < count; ++i) {
    // Masked difference: counters narrower than 64 bits wrap.
    deltas.push_back(static_cast<double>((ticks[i + 1] - ticks[i]) & timestamp_mask_) * period);
  }
  return deltas;
}

}  // namespace vkd::gpu
