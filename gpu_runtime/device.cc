#include "gpu_runtime/device.h"

#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {

StatusOr<std::unique_ptr<Device>> Device::Create(const Instance& instance,
                                                 const DeviceOptions& options) {
  const auto& devices = instance.devices();
  if (devices.empty()) return UnavailableError("no Vulkan physical device");
  int index = options.device_index;
  if (index < 0) {
    index = instance.DefaultDeviceIndex();
    if (index < 0) return UnavailableError("no Vulkan device has a compute queue");
  }
  if (index >= static_cast<int>(devices.size())) {
    return InvalidArgumentError("device index " + std::to_string(index) + " out of range (" +
                                std::to_string(devices.size()) + " Vulkan devices)");
  }
  const DeviceInfo& info = devices[index];
  if (info.compute_queue_family == UINT32_MAX) {
    return UnavailableError("device " + std::to_string(index) + " '" + info.name +
                            "' has no compute queue");
  }
  std::unique_ptr<Device> dev(new Device());
  dev->info_ = info;
  dev->physical_device_ = instance.physical_device(index);

  const float priority = 1.0f;
  auto queue = VkInit<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  queue.queueFamilyIndex = info.compute_queue_family;
  queue.queueCount = 1;
  queue.pQueuePriorities = &priority;

  // fp16 and int8 storage/arithmetic only where the device has them; shader
  // variants are chosen from these flags, never assumed.
  auto f11 = VkInit<VkPhysicalDeviceVulkan11Features>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES);
  auto f12 = VkInit<VkPhysicalDeviceVulkan12Features>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  f11.pNext = &f12;
  dev->fp16_enabled_ = info.supports_fp16_arithmetic && info.supports_fp16_storage;
  dev->int8_enabled_ = info.supports_int8_arithmetic && info.supports_int8_storage;
  f11.storageBuffer16BitAccess = dev->fp16_enabled_;
  f12.shaderFloat16 = dev->fp16_enabled_;
  f12.shaderInt8 = dev->int8_enabled_;
  f12.storageBuffer8BitAccess = dev->int8_enabled_;
  auto features = VkInit<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  features.pNext = &f11;

  auto create = VkInit<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  create.pNext = &features;
  create.queueCreateInfoCount = 1;
  create.pQueueCreateInfos = &queue;
  VKD_VK_RETURN_IF_ERROR(vkCreateDevice(dev->physical_device_, &create, nullptr, &dev->device_));
  vkGetDeviceQueue(dev->device_, info.compute_queue_family, 0, &dev->queue_);
  return dev;
}

Device::~Device() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    vkDestroyDevice(device_, nullptr);
  }
}

}  // namespace vkd::gpu
