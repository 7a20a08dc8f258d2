// Shared fixtures of the GPU runtime tests: a validation-enabled instance,
// the default device, the saxpy pipeline. TearDown destroys the device first, so objects a test
// leaked are reported by the validation layer, then fails the test on any
// validation error. Without Vulkan (or the layer) tests skip with a message.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gpu_runtime/device.h"
#include "gpu_runtime/instance.h"
#include "gpu_runtime/memory.h"
#include "gpu_runtime/pipeline.h"

#ifdef VKD_HAVE_TEST_SPIRV
#include "saxpy_spv.h"
#endif

namespace vkd::gpu {

// A validation-enabled instance; TearDown fails the test on any validation
// error.
class VulkanInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InstanceOptions o;
    o.enable_validation = true;
    auto inst = Instance::Create(o);
    if (!inst.ok()) GTEST_SKIP() << "no Vulkan with validation: " << inst.status().ToString();
    instance_ = std::move(inst).value();
    if (instance_->DefaultDeviceIndex() < 0) GTEST_SKIP() << "no Vulkan compute device";
  }

  void TearDown() override {
    if (!instance_) return;
    EXPECT_EQ(instance_->validation_error_count(), 0) << ValidationMessages();
  }

  std::string ValidationMessages() const {
    std::string all;
    for (const auto& m : instance_->RecentValidationMessages()) all += m + "\n";
    return all;
  }

  std::unique_ptr<Instance> instance_;
};

// The instance and its default device, destroyed first.
class VulkanTest : public VulkanInstanceTest {
 protected:
  void SetUp() override {
    VulkanInstanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto dev = Device::Create(*instance_, {});
    ASSERT_TRUE(dev.ok()) << dev.status().ToString();
    device_ = std::move(dev).value();
  }

  void TearDown() override {
    device_.reset();
    VulkanInstanceTest::TearDown();
  }

  const DeviceInfo& info() const { return device_->info(); }

  std::unique_ptr<Device> device_;
};

// The saxpy test shader (tests/gpu_runtime/shaders/saxpy.comp) as SPIR-V words;
// empty when glslc was not found at build time.
inline std::vector<uint32_t> SaxpySpirv() {
#ifdef VKD_HAVE_TEST_SPIRV
  std::vector<uint32_t> words(sizeof(kSaxpySpv) / sizeof(uint32_t));
  std::memcpy(words.data(), kSaxpySpv, words.size() * sizeof(uint32_t));
  return words;
#else
  return {};
#endif
}

inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

// saxpy with `workgroup` invocations per group (constant 0) and y = x *
// `scale` (constant 1) + b; push constants {float b; uint n;}.
inline ComputePipelineDesc SaxpyDesc(uint32_t workgroup = 64, float scale = 2.0f) {
  ComputePipelineDesc d;
  d.name = "saxpy";
  d.spirv = SaxpySpirv();
  d.num_buffers = 2;
  d.push_constant_bytes = 8;
  d.specialization = {workgroup, FloatBits(scale)};
  return d;
}

// The device, an allocator and the saxpy pipeline (SaxpyDesc(workgroup,
// scale)); skips when glslc was not found at build time.
class SaxpyTest : public VulkanTest {
 protected:
  void SetUpSaxpy(uint32_t workgroup = 64, float scale = 2.0f) {
    VulkanTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (SaxpySpirv().empty()) GTEST_SKIP() << "glslc was not found at build time";
    auto alloc = MemoryAllocator::Create(*device_, {});
    ASSERT_TRUE(alloc.ok()) << alloc.status().ToString();
    alloc_ = std::move(alloc).value();
    auto p = ComputePipeline::Create(*device_, SaxpyDesc(workgroup, scale), nullptr);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pipeline_ = std::move(p).value();
  }

  void TearDown() override {
    pipeline_.reset();
    alloc_.reset();
    VulkanTest::TearDown();
  }

  std::unique_ptr<MemoryAllocator> alloc_;
  std::unique_ptr<ComputePipeline> pipeline_;
};

}  // namespace vkd::gpu
