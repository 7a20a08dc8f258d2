// cts-style tests of descriptor arenas: bindings are checked against the
// device limits before they reach the driver, and errors name the binding.
#include "gpu_runtime/descriptors.h"

#include <gtest/gtest.h>

#include "gpu_runtime/memory.h"
#include "vulkan_test_fixture.h"

namespace vkd::gpu {
namespace {

class DescriptorsTest : public SaxpyTest {
 protected:
  void SetUp() override {
    SetUpSaxpy();
    if (IsSkipped() || HasFatalFailure()) return;
    auto b = alloc_->CreateBuffer(1 << 16, MemoryDomain::kDevice);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    buffer_ = std::move(b).value();
  }
  void TearDown() override {
    buffer_.reset();
    SaxpyTest::TearDown();
  }

  std::unique_ptr<Buffer> buffer_;
};

TEST_F(DescriptorsTest, AlignedBindingsAllocate) {
  auto arena = DescriptorArena::Create(*device_, 2, 4);
  ASSERT_TRUE(arena.ok()) << arena.status().ToString();
  const VkDeviceSize align = info().min_storage_buffer_offset_alignment;
  auto set = (*arena)->Allocate(
      *pipeline_, {{buffer_->handle(), 0, 1024}, {buffer_->handle(), 4 * align, VK_WHOLE_SIZE}});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_NE(*set, VK_NULL_HANDLE);
}

TEST_F(DescriptorsTest, MisalignedOffsetIsInvalidArgumentNamingTheBinding) {
  const VkDeviceSize align = info().min_storage_buffer_offset_alignment;
  if (align <= 1) GTEST_SKIP() << "every offset is aligned on this device";
  auto arena = DescriptorArena::Create(*device_, 1, 2);
  ASSERT_TRUE(arena.ok());
  auto set = (*arena)->Allocate(
      *pipeline_, {{buffer_->handle(), 0, 256}, {buffer_->handle(), align + align / 2, 256}});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
  const std::string m = set.status().message();
  EXPECT_NE(m.find("binding 1"), std::string::npos) << m;
  EXPECT_NE(m.find("saxpy"), std::string::npos) << m;
  EXPECT_NE(m.find(std::to_string(align + align / 2)), std::string::npos) << m;
  // The failed call used nothing: the one set is still there.
  EXPECT_TRUE(
      (*arena)
          ->Allocate(*pipeline_, {{buffer_->handle(), 0, 256}, {buffer_->handle(), align, 256}})
          .ok());
}

TEST_F(DescriptorsTest, RangePastTheDeviceLimitIsInvalidArgument) {
  auto arena = DescriptorArena::Create(*device_, 1, 2);
  ASSERT_TRUE(arena.ok());
  const VkDeviceSize too_big = VkDeviceSize{info().max_storage_buffer_range} + 4;
  auto set = (*arena)->Allocate(*pipeline_,
                                {{buffer_->handle(), 0, too_big}, {buffer_->handle(), 0, 256}});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(set.status().message().find("binding 0"), std::string::npos) << set.status().message();
  auto zero =
      (*arena)->Allocate(*pipeline_, {{buffer_->handle(), 0, 256}, {buffer_->handle(), 0, 0}});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("binding 1"), std::string::npos);
}

TEST_F(DescriptorsTest, WrongBindingCountOrNullBufferIsInvalidArgument) {
  auto arena = DescriptorArena::Create(*device_, 1, 2);
  ASSERT_TRUE(arena.ok());
  auto one = (*arena)->Allocate(*pipeline_, {{buffer_->handle(), 0, 256}});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(one.status().message().find("1 bindings given"), std::string::npos);
  auto null = (*arena)->Allocate(*pipeline_, {{buffer_->handle(), 0, 256}, {}});
  ASSERT_FALSE(null.ok());
  EXPECT_NE(null.status().message().find("binding 1"), std::string::npos);
}

TEST_F(DescriptorsTest, FullArenaIsResourceExhausted) {
  auto arena = DescriptorArena::Create(*device_, 2, 3);
  ASSERT_TRUE(arena.ok());
  const std::vector<BufferBinding> bindings = {{buffer_->handle(), 0, 256},
                                               {buffer_->handle(), 0, 256}};
  ASSERT_TRUE((*arena)->Allocate(*pipeline_, bindings).ok());
  // One set left but only one buffer descriptor.
  auto second = (*arena)->Allocate(*pipeline_, bindings);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted) << second.status().ToString();
  EXPECT_EQ(DescriptorArena::Create(*device_, 0, 1).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vkd::gpu
