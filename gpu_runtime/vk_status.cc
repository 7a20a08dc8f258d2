#include "gpu_runtime/vk_status.h"

#include <string>

namespace vkd::gpu {

const char* VkResultName(VkResult result) {
  switch (result) {
#define VKD_CASE(r) \
  case r:           \
    return #r;
    VKD_CASE(VK_SUCCESS)
    VKD_CASE(VK_NOT_READY)
    VKD_CASE(VK_TIMEOUT)
    VKD_CASE(VK_INCOMPLETE)
    VKD_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    VKD_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    VKD_CASE(VK_ERROR_INITIALIZATION_FAILED)
    VKD_CASE(VK_ERROR_DEVICE_LOST)
    VKD_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    VKD_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    VKD_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    VKD_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    VKD_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    VKD_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    VKD_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    VKD_CASE(VK_ERROR_FRAGMENTED_POOL)
    VKD_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    VKD_CASE(VK_ERROR_UNKNOWN)
#undef VKD_CASE
    default:
      return "VK_RESULT_UNKNOWN";
  }
}

Status VkResultToStatus(VkResult result, const char* call) {
  if (result == VK_SUCCESS) return Status::Ok();
  std::string message = std::string(call) + ": " + VkResultName(result) + " (" +
                        std::to_string(static_cast<int>(result)) + ")";
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_TOO_MANY_OBJECTS:
      return ResourceExhaustedError(message);
    case VK_ERROR_INCOMPATIBLE_DRIVER:
    case VK_ERROR_INITIALIZATION_FAILED:
    case VK_ERROR_DEVICE_LOST:
    case VK_ERROR_LAYER_NOT_PRESENT:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return UnavailableError(message);
    default:
      return InternalError(message);
  }
}

}  // namespace vkd::gpu
