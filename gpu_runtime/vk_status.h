// VkResult -> Status, in one place. Every Vulkan call that can fail goes
// through VKD_VK_RETURN_IF_ERROR, so an error names the call that failed.
#pragma once

#include <vulkan/vulkan.h>

#include "common/status.h"

namespace vkd::gpu {

// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ...
const char* VkResultName(VkResult result);

// Ok for VK_SUCCESS; otherwise a Status whose code follows the result
// (out of memory -> ResourceExhausted, no driver -> Unavailable, ...) and
// whose message is "<call>: <VK_ERROR_...>".
Status VkResultToStatus(VkResult result, const char* call);

}  // namespace vkd::gpu

#define VKD_VK_RETURN_IF_ERROR(call)                                                              \
  do {                                                                                            \
    VkResult vkd_vk_result_ = (call);                                                             \
    if (vkd_vk_result_ != VK_SUCCESS) return ::vkd::gpu::VkResultToStatus(vkd_vk_result_, #call); \
  } while (0)
