// Zero-initialized Vulkan structs with sType set: `auto info =
// VkInit<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);`. Brace
// initialization with only sType leaves the rest zero too, but trips
// -Wmissing-field-initializers on every struct.
#pragma once

#include <vulkan/vulkan.h>

namespace vkd::gpu {

template <typename T>
T VkInit(VkStructureType type) {
  T value{};
  value.sType = type;
  return value;
}

}  // namespace vkd::gpu
