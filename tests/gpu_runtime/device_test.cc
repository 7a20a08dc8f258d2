// cts-style tests of the GPU runtime's device layer, model-free. They run on
// whatever Vulkan driver is present (lavapipe in CI) with the Khronos
// validation layer on; any validation error fails the test. Without a
// Vulkan driver they skip with a message.
#include "gpu_runtime/device.h"

#include <gtest/gtest.h>

#include "gpu_runtime/vk_status.h"
#include "tests/gpu_runtime/vulkan_test_fixture.h"

namespace vkd::gpu {
namespace {

using DeviceTest = VulkanInstanceTest;

TEST_F(DeviceTest, DefaultDeviceHasComputeFacts) {
  auto dev = Device::Create(*instance_, {});
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  const DeviceInfo& info = (*dev)->info();
  std::printf("device: %s (%s, driver %s %s), subgroup %u, shared %u B, storage range %u B\n",
              info.name.c_str(), DeviceKindName(info.kind), info.driver_name.c_str(),
              info.driver_info.c_str(), info.subgroup_size, info.max_shared_memory_bytes,
              info.max_storage_buffer_range);
  EXPECT_FALSE(info.name.empty());
  EXPECT_GE(VK_API_VERSION_MINOR(info.api_version), 2u) << "vkdelegate needs Vulkan 1.2";
  EXPECT_GT(info.subgroup_size, 0u);
  EXPECT_GE(info.max_shared_memory_bytes, 16384u);  // the Vulkan minimum
  EXPECT_GE(info.max_storage_buffer_range, 1u << 27) << "below 128 MiB";
  EXPECT_GT(info.min_storage_buffer_offset_alignment, 0u);
  EXPECT_NE((*dev)->compute_queue(), VK_NULL_HANDLE);
}

TEST_F(DeviceTest, PrefersRealGpusOverCpuDevices) {
  const int chosen = instance_->DefaultDeviceIndex();
  for (const DeviceInfo& d : instance_->devices()) {
    if (d.compute_queue_family == UINT32_MAX) continue;
    EXPECT_LE(static_cast<int>(instance_->devices()[chosen].kind), static_cast<int>(d.kind))
        << "picked " << instance_->devices()[chosen].name << " over " << d.name;
  }
}

TEST_F(DeviceTest, EveryDeviceCanBeOpenedByIndex) {
  for (const DeviceInfo& d : instance_->devices()) {
    if (d.compute_queue_family == UINT32_MAX) continue;
    DeviceOptions o;
    o.device_index = d.index;
    auto dev = Device::Create(*instance_, o);
    ASSERT_TRUE(dev.ok()) << d.name << ": " << dev.status().ToString();
    EXPECT_EQ((*dev)->info().name, d.name);
  }
}

TEST_F(DeviceTest, BadIndexIsAClearError) {
  DeviceOptions o;
  o.device_index = 99;
  auto dev = Device::Create(*instance_, o);
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dev.status().message().find("99"), std::string::npos);
}

// The guard the whole GPU suite relies on: a misuse must be counted.
TEST(ValidationLayer, ReportsMisuse) {
  InstanceOptions o;
  o.enable_validation = true;
  auto inst = Instance::Create(o);
  if (!inst.ok()) GTEST_SKIP() << "no Vulkan with validation: " << inst.status().ToString();
  if ((*inst)->DefaultDeviceIndex() < 0) GTEST_SKIP() << "no Vulkan compute device";
  auto dev = Device::Create(**inst, {});
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  ASSERT_EQ((*inst)->validation_error_count(), 0);
  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = 0;  // VUID-VkBufferCreateInfo-size-00912: size must be greater than 0
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  if (vkCreateBuffer((*dev)->handle(), &info, nullptr, &buffer) == VK_SUCCESS) {
    vkDestroyBuffer((*dev)->handle(), buffer, nullptr);
  }
  EXPECT_GT((*inst)->validation_error_count(), 0);
  ASSERT_FALSE((*inst)->RecentValidationMessages().empty());
  EXPECT_NE((*inst)->RecentValidationMessages().back().find("00912"), std::string::npos)
      << (*inst)->RecentValidationMessages().back();
}

TEST(VkStatus, NamesTheCallAndMapsTheCode) {
  Status s = VkResultToStatus(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory(...)");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("vkAllocateMemory"), std::string::npos);
  EXPECT_NE(s.message().find("VK_ERROR_OUT_OF_DEVICE_MEMORY"), std::string::npos);
  EXPECT_TRUE(VkResultToStatus(VK_SUCCESS, "x").ok());
  EXPECT_EQ(VkResultToStatus(VK_ERROR_INCOMPATIBLE_DRIVER, "vkCreateInstance").code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vkd::gpu
