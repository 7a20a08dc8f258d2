// A logical Vulkan device with one compute queue: the root object of the
// GPU runtime (Kompute's Manager-sized). Knows nothing of models or ops.
#pragma once

#include <vulkan/vulkan.h>

#include <memory>
#include <mutex>

#include "common/status.h"
#include "gpu_runtime/instance.h"

namespace vkd::gpu {

struct DeviceOptions {
  // Index into Instance::devices(); -1 picks Instance::DefaultDeviceIndex().
  int device_index = -1;
};

class Device {
 public:
  // Keeps `instance` referenced; it must outlive the device.
  static StatusOr<std::unique_ptr<Device>> Create(const Instance& instance,
                                                  const DeviceOptions& options);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  VkDevice handle() const { return device_; }
  VkPhysicalDevice physical_device() const { return physical_device_; }
  VkQueue compute_queue() const { return queue_; }
  uint32_t queue_family() const { return info_.compute_queue_family; }
  const DeviceInfo& info() const { return info_; }
  // Which optional features were turned on at creation (subset of info()).
  bool fp16_enabled() const { return fp16_enabled_; }
  bool int8_enabled() const { return int8_enabled_; }
  // vkQueueSubmit needs external synchronization of the queue: every submit
  // holds this (two interpreters on one device, from two threads).
  std::mutex& queue_mutex() const { return queue_mu_; }

 private:
  Device() = default;
  VkDevice device_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  DeviceInfo info_;
  bool fp16_enabled_ = false;
  bool int8_enabled_ = false;
  mutable std::mutex queue_mu_;
};

}  // namespace vkd::gpu
