#include "gpu_runtime/instance.h"

#include <cstdio>
#include <cstring>

#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr size_t kKeptMessages = 16;

DeviceKind KindOf(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return DeviceKind::kDiscrete;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return DeviceKind::kIntegrated;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return DeviceKind::kVirtual;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return DeviceKind::kCpu;
    default:
      return DeviceKind::kOther;
  }
}

bool HasLayer(const char* name) {
  uint32_t n = 0;
  if (vkEnumerateInstanceLayerProperties(&n, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(n);
  if (vkEnumerateInstanceLayerProperties(&n, layers.data()) != VK_SUCCESS) return false;
  for (const auto& l : layers) {
    if (std::strcmp(l.layerName, name) == 0) return true;
  }
  return false;
}

}  // namespace

const char* DeviceKindName(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::kDiscrete:
      return "discrete";
    case DeviceKind::kIntegrated:
      return "integrated";
    case DeviceKind::kVirtual:
      return "virtual";
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kOther:
      return "other";
  }
  return "other";
}

StatusOr<std::unique_ptr<Instance>> Instance::Create(const InstanceOptions& options) {
  std::unique_ptr<Instance> inst(new Instance());
  inst->echo_errors_ = options.echo_validation_errors;
  if (options.enable_validation && !HasLayer(kValidationLayer)) {
    return UnavailableError(std::string(kValidationLayer) +
                            " is not installed (Debian: vulkan-validationlayers)");
  }
  auto app = VkInit<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "vkdelegate";
  app.pEngineName = "vkdelegate";
  app.apiVersion = VK_API_VERSION_1_2;
  std::vector<const char*> layers, extensions;
  auto messenger_info = VkInit<VkDebugUtilsMessengerCreateInfoEXT>(
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
  messenger_info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                                   VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger_info.pfnUserCallback = &Instance::OnDebugMessage;
  messenger_info.pUserData = inst.get();
  auto info = VkInit<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  info.pApplicationInfo = &app;
  if (options.enable_validation) {
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    // Chained so that vkCreateInstance/vkDestroyInstance themselves are checked.
    info.pNext = &messenger_info;
  }
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VKD_VK_RETURN_IF_ERROR(vkCreateInstance(&info, nullptr, &inst->instance_));
  if (options.enable_validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(inst->instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!create) return UnavailableError("vkCreateDebugUtilsMessengerEXT is missing");
    VKD_VK_RETURN_IF_ERROR(create(inst->instance_, &messenger_info, nullptr, &inst->messenger_));
  }
  VKD_RETURN_IF_ERROR(inst->EnumerateDevices());
  return inst;
}

Instance::~Instance() {
  if (instance_ == VK_NULL_HANDLE) return;
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  vkDestroyInstance(instance_, nullptr);
}

Status Instance::EnumerateDevices() {
  uint32_t n = 0;
  VKD_VK_RETURN_IF_ERROR(vkEnumeratePhysicalDevices(instance_, &n, nullptr));
  physical_devices_.resize(n);
  VKD_VK_RETURN_IF_ERROR(vkEnumeratePhysicalDevices(instance_, &n, physical_devices_.data()));
  for (uint32_t i = 0; i < n; ++i) {
    VkPhysicalDevice pd = physical_devices_[i];
    auto driver = VkInit<VkPhysicalDeviceDriverProperties>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
    auto subgroup = VkInit<VkPhysicalDeviceSubgroupProperties>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
    subgroup.pNext = &driver;
    auto props =
        VkInit<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
    props.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(pd, &props);
    auto f12 = VkInit<VkPhysicalDeviceVulkan12Features>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
    auto f11 = VkInit<VkPhysicalDeviceVulkan11Features>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES);
    f11.pNext = &f12;
    auto features = VkInit<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
    features.pNext = &f11;
    vkGetPhysicalDeviceFeatures2(pd, &features);

    DeviceInfo d;
    d.index = static_cast<int>(i);
    const VkPhysicalDeviceLimits& lim = props.properties.limits;
    d.name = props.properties.deviceName;
    d.driver_name = driver.driverName;
    d.driver_info = driver.driverInfo;
    d.kind = KindOf(props.properties.deviceType);
    d.api_version = props.properties.apiVersion;
    d.vendor_id = props.properties.vendorID;
    d.subgroup_size = subgroup.subgroupSize;
    d.max_shared_memory_bytes = lim.maxComputeSharedMemorySize;
    d.max_workgroup_invocations = lim.maxComputeWorkGroupInvocations;
    d.max_storage_buffer_range = lim.maxStorageBufferRange;
    d.min_storage_buffer_offset_alignment = lim.minStorageBufferOffsetAlignment;
    d.supports_fp16_arithmetic = f12.shaderFloat16;
    d.supports_fp16_storage = f11.storageBuffer16BitAccess;
    d.supports_int8_arithmetic = f12.shaderInt8;
    d.supports_int8_storage = f12.storageBuffer8BitAccess;

    uint32_t qn = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &qn, nullptr);
    std::vector<VkQueueFamilyProperties> families(qn);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &qn, families.data());
    // Prefer a compute-only family (dedicated async compute) over a general one.
    for (uint32_t q = 0; q < qn; ++q) {
      if (!(families[q].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
      const bool compute_only = !(families[q].queueFlags & VK_QUEUE_GRAPHICS_BIT);
      if (d.compute_queue_family == UINT32_MAX || compute_only) {
        d.compute_queue_family = q;
        d.timestamp_period_ns = families[q].timestampValidBits ? lim.timestampPeriod : 0.0f;
        if (compute_only) break;
      }
    }
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    for (uint32_t t = 0; t < mem.memoryTypeCount; ++t) {
      const VkMemoryPropertyFlags want =
          VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      if ((mem.memoryTypes[t].propertyFlags & want) == want) d.host_visible_device_local = true;
    }
    devices_.push_back(std::move(d));
  }
  return Status::Ok();
}

int Instance::DefaultDeviceIndex() const {
  int best = -1;
  for (const DeviceInfo& d : devices_) {
    if (d.compute_queue_family == UINT32_MAX) continue;
    if (best < 0 || static_cast<int>(d.kind) < static_cast<int>(devices_[best].kind))
      best = d.index;
  }
  return best;
}

namespace {
std::atomic<int64_t> g_process_validation_errors{0};
}  // namespace

int64_t Instance::ProcessValidationErrorCount() { return g_process_validation_errors.load(); }

std::vector<std::string> Instance::RecentValidationMessages() const {
  std::lock_guard<std::mutex> lock(messages_mu_);
  return messages_;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Instance::OnDebugMessage(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
    const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  auto* self = static_cast<Instance*>(user);
  const bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  (error ? self->errors_ : self->warnings_)++;
  if (error) {
    ++g_process_validation_errors;
    if (self->echo_errors_) {
      std::fprintf(stderr, "vkdelegate: Vulkan validation error: %s\n",
                   data && data->pMessage ? data->pMessage : "");
    }
  }
  std::lock_guard<std::mutex> lock(self->messages_mu_);
  if (self->messages_.size() == kKeptMessages) self->messages_.erase(self->messages_.begin());
  self->messages_.push_back(std::string(error ? "error: " : "warning: ") +
                            (data && data->pMessage ? data->pMessage : ""));
  return VK_FALSE;  // never abort the call; tests decide
}

}  // namespace vkd::gpu
