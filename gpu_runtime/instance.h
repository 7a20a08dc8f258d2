// The Vulkan instance: loader, optional Khronos validation, and the list of
// physical devices with the facts kernels are chosen by.
//
// With validation on, every message of the validation layer is counted and
// the last ones kept, so tests can fail on any of them (validation errors do
// not make Vulkan calls fail by themselves).
#pragma once

#include <vulkan/vulkan.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace vkd::gpu {

// Maps to VkPhysicalDeviceType; the order is the default preference.
enum class DeviceKind { kDiscrete, kIntegrated, kVirtual, kCpu, kOther };
const char* DeviceKindName(DeviceKind kind);

// Read-only facts of one physical device.
struct DeviceInfo {
  int index = 0;  // in Instance::devices()
  std::string name;
  std::string driver_name;
  std::string driver_info;
  DeviceKind kind = DeviceKind::kOther;
  uint32_t api_version = 0;
  uint32_t vendor_id = 0;
  uint32_t subgroup_size = 0;
  uint32_t max_shared_memory_bytes = 0;    // maxComputeSharedMemorySize
  uint32_t max_workgroup_invocations = 0;  // maxComputeWorkGroupInvocations
  uint32_t max_storage_buffer_range = 0;   // maxStorageBufferRange
  uint64_t min_storage_buffer_offset_alignment = 0;
  float timestamp_period_ns = 0;               // 0: no compute timestamps
  bool supports_fp16_arithmetic = false;       // shaderFloat16
  bool supports_fp16_storage = false;          // storageBuffer16BitAccess
  bool supports_int8_arithmetic = false;       // shaderInt8
  bool supports_int8_storage = false;          // storageBuffer8BitAccess
  uint32_t compute_queue_family = UINT32_MAX;  // a family with VK_QUEUE_COMPUTE_BIT
  bool host_visible_device_local = false;      // unified memory (lavapipe, iGPUs)
};

struct InstanceOptions {
  // Enable VK_LAYER_KHRONOS_validation and count its messages. Costs a lot of
  // CPU time per call; for tests and debugging.
  bool enable_validation = false;
  // Also print every validation error on stderr as it happens (hosts that
  // cannot reach the Instance, such as a TFLite application, still see them).
  bool echo_validation_errors = false;
};

class Instance {
 public:
  // Unavailable when no Vulkan loader or driver is present, or when
  // validation was asked for and the layer is not installed.
  static StatusOr<std::unique_ptr<Instance>> Create(const InstanceOptions& options);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  const std::vector<DeviceInfo>& devices() const { return devices_; }
  VkPhysicalDevice physical_device(int index) const { return physical_devices_[index]; }

  // The device a user gets by default: discrete > integrated > virtual > CPU
  // (lavapipe), among those with a compute queue; -1 when there is none.
  int DefaultDeviceIndex() const;

  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }
  int validation_error_count() const { return errors_.load(); }
  int validation_warning_count() const { return warnings_.load(); }
  // Validation errors of every Instance of this process so far.
  static int64_t ProcessValidationErrorCount();
  // The most recent validation messages (at most 16), for failure reports.
  std::vector<std::string> RecentValidationMessages() const;

 private:
  Instance() = default;
  Status EnumerateDevices();
  static VKAPI_ATTR VkBool32 VKAPI_CALL OnDebugMessage(
      VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
      const VkDebugUtilsMessengerCallbackDataEXT* data, void* user);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::vector<VkPhysicalDevice> physical_devices_;
  std::vector<DeviceInfo> devices_;
  bool echo_errors_ = false;
  std::atomic<int> errors_{0};
  std::atomic<int> warnings_{0};
  mutable std::mutex messages_mu_;
  std::vector<std::string> messages_;
};

}  // namespace vkd::gpu
