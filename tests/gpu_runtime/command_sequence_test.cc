// cts-style tests of recorded command sequences: a real compute dispatch
// (saxpy with specialization and push constants) checked on the host,
// replays with new data, staging copies with barriers, timestamps, and
// misuse reported as Status.
#include "gpu_runtime/command_sequence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gpu_runtime/descriptors.h"
#include "gpu_runtime/memory.h"
#include "vulkan_test_fixture.h"

namespace vkd::gpu {
namespace {

constexpr float kScale = 2.5f;
constexpr uint32_t kWorkgroup = 64;
constexpr float kSentinel = 12345.0f;

struct Push {
  float b;
  uint32_t n;
};

class CommandSequenceTest : public SaxpyTest {
 protected:
  void SetUp() override {
    SetUpSaxpy(kWorkgroup, kScale);
    if (IsSkipped() || HasFatalFailure()) return;
    auto arena = DescriptorArena::Create(*device_, 8, 16);
    ASSERT_TRUE(arena.ok()) << arena.status().ToString();
    arena_ = std::move(arena).value();
  }
  void TearDown() override {
    arena_.reset();
    SaxpyTest::TearDown();
  }

  std::unique_ptr<Buffer> NewBuffer(VkDeviceSize bytes, MemoryDomain domain) {
    auto b = alloc_->CreateBuffer(bytes, domain);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? std::move(b).value() : nullptr;
  }
  std::unique_ptr<CommandSequence> NewSequence(uint32_t max_timestamps = 0) {
    CommandSequenceOptions o;
    o.max_timestamps = max_timestamps;
    auto s = CommandSequence::Create(*device_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  VkDescriptorSet Set(VkBuffer x, VkBuffer y, VkDeviceSize x_offset = 0,
                      VkDeviceSize y_offset = 0) {
    auto set =
        arena_->Allocate(*pipeline_, {{x, x_offset, VK_WHOLE_SIZE}, {y, y_offset, VK_WHOLE_SIZE}});
    EXPECT_TRUE(set.ok()) << set.status().ToString();
    return set.ok() ? *set : VK_NULL_HANDLE;
  }
  void RecordSaxpy(CommandSequence& seq, VkDescriptorSet set, float b, uint32_t n) {
    seq.BindPipeline(*pipeline_);
    seq.BindDescriptorSet(*pipeline_, set);
    const Push push{b, n};
    seq.PushConstants(*pipeline_, &push, sizeof(push));
    seq.Dispatch((n + kWorkgroup - 1) / kWorkgroup, 1, 1);
  }

  std::unique_ptr<DescriptorArena> arena_;
};

std::vector<float> RandomFloats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
  std::vector<float> v(n);
  for (float& f : v) f = dist(rng);
  return v;
}

// y[i] == x[i] * kScale + b within float rounding (the driver may fuse to fma).
void ExpectSaxpy(const float* y, const std::vector<float>& x, float b, const std::string& what) {
  for (size_t i = 0; i < x.size(); ++i) {
    const float want = x[i] * kScale + b;
    ASSERT_NEAR(y[i], want, 1e-5f * std::max(1.0f, std::fabs(want))) << what << " i=" << i;
  }
}

TEST_F(CommandSequenceTest, DispatchReplaysWithNewInputsAndTimestamps) {
  constexpr uint32_t kN = 1000;  // not a multiple of the workgroup: tests the n guard
  constexpr uint32_t kTail = 16;
  auto x = NewBuffer(kN * sizeof(float), MemoryDomain::kUpload);
  auto y = NewBuffer((kN + kTail) * sizeof(float), MemoryDomain::kReadback);
  ASSERT_TRUE(x && y);
  auto seq = NewSequence(/*max_timestamps=*/2);
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(seq->timestamps_supported(), info().timestamp_period_ns > 0);

  ASSERT_TRUE(seq->Begin().ok());
  seq->WriteTimestamp(0);
  RecordSaxpy(*seq, Set(x->handle(), y->handle()), -1.0f, kN);
  seq->WriteTimestamp(1);
  seq->ToHostBarrier({y->handle()});
  Status s = seq->End();
  ASSERT_TRUE(s.ok()) << s.ToString();

  for (uint32_t rep = 0; rep < 3; ++rep) {
    const std::vector<float> in = RandomFloats(kN, 100 + rep);
    std::memcpy(x->mapped(), in.data(), kN * sizeof(float));
    auto* out = static_cast<float*>(y->mapped());
    std::fill(out, out + kN + kTail, kSentinel);
    s = seq->Run();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(y->InvalidateForRead().ok());
    ExpectSaxpy(out, in, -1.0f, "replay " + std::to_string(rep));
    for (uint32_t i = kN; i < kN + kTail; ++i) {
      ASSERT_EQ(out[i], kSentinel) << "wrote past n at " << i;
    }
    if (seq->timestamps_supported()) {
      auto deltas = seq->ReadTimestampDeltasNs(2);
      ASSERT_TRUE(deltas.ok()) << deltas.status().ToString();
      ASSERT_EQ(deltas->size(), 1u);
      EXPECT_GE((*deltas)[0], 0.0);
      EXPECT_LT((*deltas)[0], 60e9) << "a 1000-element saxpy under a minute";
    }
  }
}

TEST_F(CommandSequenceTest, StagingCopiesThroughDeviceMemoryWithBarriers) {
  constexpr uint32_t kN = 4099;
  constexpr VkDeviceSize kBytes = kN * sizeof(float);
  auto upload = NewBuffer(kBytes, MemoryDomain::kUpload);
  auto x = NewBuffer(kBytes, MemoryDomain::kDevice);
  auto y = NewBuffer(kBytes, MemoryDomain::kDevice);
  auto readback = NewBuffer(kBytes, MemoryDomain::kReadback);
  ASSERT_TRUE(upload && x && y && readback);
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  ASSERT_TRUE(seq->Begin().ok());
  seq->CopyBuffer(upload->handle(), 0, x->handle(), 0, kBytes);
  seq->TransferToComputeBarrier({x->handle()});
  RecordSaxpy(*seq, Set(x->handle(), y->handle()), 3.0f, kN);
  seq->ComputeToTransferBarrier({y->handle()});
  seq->CopyBuffer(y->handle(), 0, readback->handle(), 0, kBytes);
  seq->ToHostBarrier({readback->handle()});
  ASSERT_TRUE(seq->End().ok());
  for (uint32_t rep = 0; rep < 2; ++rep) {
    const std::vector<float> in = RandomFloats(kN, 7 + rep);
    std::memcpy(upload->mapped(), in.data(), kBytes);
    std::memset(readback->mapped(), 0, kBytes);
    Status s = seq->Run();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(readback->InvalidateForRead().ok());
    ExpectSaxpy(static_cast<const float*>(readback->mapped()), in, 3.0f,
                "staged replay " + std::to_string(rep));
  }
}

TEST_F(CommandSequenceTest, PlainCopyChainUploadDeviceReadback) {
  constexpr VkDeviceSize kBytes = 3 << 20;
  auto upload = NewBuffer(kBytes, MemoryDomain::kUpload);
  auto device = NewBuffer(kBytes, MemoryDomain::kDevice);
  auto readback = NewBuffer(kBytes, MemoryDomain::kReadback);
  ASSERT_TRUE(upload && device && readback);
  auto* src = static_cast<uint8_t*>(upload->mapped());
  for (VkDeviceSize i = 0; i < kBytes; ++i) src[i] = static_cast<uint8_t>(i * 13 + (i >> 12));
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  ASSERT_TRUE(seq->Begin().ok());
  seq->CopyBuffer(upload->handle(), 0, device->handle(), 0, kBytes);
  // Transfer write -> (compute) -> transfer read: the two barriers chain.
  seq->TransferToComputeBarrier({device->handle()});
  seq->ComputeToTransferBarrier({device->handle()});
  // The halves swapped on the way back, so copy offsets are exercised too.
  seq->CopyBuffer(device->handle(), 0, readback->handle(), kBytes / 2, kBytes / 2);
  seq->CopyBuffer(device->handle(), kBytes / 2, readback->handle(), 0, kBytes / 2);
  seq->ToHostBarrier({readback->handle()});
  ASSERT_TRUE(seq->End().ok());
  Status s = seq->Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(readback->InvalidateForRead().ok());
  const auto* dst = static_cast<const uint8_t*>(readback->mapped());
  for (VkDeviceSize i = 0; i < kBytes; ++i) {
    const VkDeviceSize from = (i + kBytes / 2) % kBytes;
    ASSERT_EQ(dst[i], src[from]) << "byte " << i;
  }
}

TEST_F(CommandSequenceTest, BindingsAtOffsetsIntoOneBuffer) {
  constexpr uint32_t kN = 300;
  const VkDeviceSize align = std::max<VkDeviceSize>(info().min_storage_buffer_offset_alignment, 4);
  // x at an aligned offset, y right after it (aligned), inside one buffer.
  const VkDeviceSize x_off = align;
  const VkDeviceSize y_off = (x_off + kN * sizeof(float) + align - 1) / align * align;
  auto buf = NewBuffer(y_off + kN * sizeof(float), MemoryDomain::kReadback);
  ASSERT_NE(buf, nullptr);
  auto* base = static_cast<uint8_t*>(buf->mapped());
  const std::vector<float> in = RandomFloats(kN, 3);
  std::memset(base, 0, buf->size());
  std::memcpy(base + x_off, in.data(), kN * sizeof(float));
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  ASSERT_TRUE(seq->Begin().ok());
  RecordSaxpy(*seq, Set(buf->handle(), buf->handle(), x_off, y_off), 0.5f, kN);
  seq->ToHostBarrier({buf->handle()});
  ASSERT_TRUE(seq->End().ok());
  ASSERT_TRUE(seq->Run().ok());
  ASSERT_TRUE(buf->InvalidateForRead().ok());
  ExpectSaxpy(reinterpret_cast<const float*>(base + y_off), in, 0.5f, "offset binding");
  for (VkDeviceSize i = 0; i < x_off; ++i) ASSERT_EQ(base[i], 0) << "byte before x touched";
}

TEST_F(CommandSequenceTest, BeginReRecordsWithNewPushConstants) {
  constexpr uint32_t kN = 200;
  auto x = NewBuffer(kN * sizeof(float), MemoryDomain::kUpload);
  auto y = NewBuffer(kN * sizeof(float), MemoryDomain::kReadback);
  ASSERT_TRUE(x && y);
  const std::vector<float> in = RandomFloats(kN, 11);
  std::memcpy(x->mapped(), in.data(), kN * sizeof(float));
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  const VkDescriptorSet set = Set(x->handle(), y->handle());
  for (float b : {1.0f, -7.0f}) {
    ASSERT_TRUE(seq->Begin().ok());
    RecordSaxpy(*seq, set, b, kN);
    seq->ToHostBarrier({y->handle()});
    ASSERT_TRUE(seq->End().ok());
    ASSERT_TRUE(seq->Run().ok());
    ASSERT_TRUE(y->InvalidateForRead().ok());
    ExpectSaxpy(static_cast<const float*>(y->mapped()), in, b, "b=" + std::to_string(b));
  }
}

TEST_F(CommandSequenceTest, PushConstantSizeMismatchIsReportedByEnd) {
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  ASSERT_TRUE(seq->Begin().ok());
  seq->BindPipeline(*pipeline_);
  const float only_b = 1.0f;
  seq->PushConstants(*pipeline_, &only_b, sizeof(only_b));
  Status s = seq->End();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("saxpy"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("4 bytes"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("declares 8"), std::string::npos) << s.message();
  EXPECT_EQ(seq->Submit().code(), StatusCode::kInvalidArgument) << "a failed recording";
}

TEST_F(CommandSequenceTest, MisuseIsAStatusNotACrash) {
  auto seq = NewSequence(2);
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(seq->End().code(), StatusCode::kInvalidArgument) << "End() without Begin()";
  EXPECT_EQ(seq->Submit().code(), StatusCode::kInvalidArgument) << "nothing recorded";
  EXPECT_TRUE(seq->Wait().ok()) << "nothing pending";

  auto x = NewBuffer(64 * sizeof(float), MemoryDomain::kUpload);
  auto y = NewBuffer(64 * sizeof(float), MemoryDomain::kReadback);
  ASSERT_TRUE(x && y);
  ASSERT_TRUE(seq->Begin().ok());
  RecordSaxpy(*seq, Set(x->handle(), y->handle()), 0.0f, 64);
  EXPECT_EQ(seq->Submit().code(), StatusCode::kInvalidArgument) << "Submit() before End()";
  ASSERT_TRUE(seq->End().ok());
  if (seq->timestamps_supported()) {
    EXPECT_EQ(seq->ReadTimestampDeltasNs(2).status().code(), StatusCode::kInvalidArgument)
        << "nothing ran yet";
  }
  ASSERT_TRUE(seq->Submit().ok());
  EXPECT_EQ(seq->Submit().code(), StatusCode::kInvalidArgument) << "still pending";
  ASSERT_TRUE(seq->Wait().ok());
  EXPECT_TRUE(seq->Wait().ok()) << "a second Wait() is a no-op";
  if (seq->timestamps_supported()) {
    EXPECT_EQ(seq->ReadTimestampDeltasNs(2).status().code(), StatusCode::kInvalidArgument)
        << "slots never written";
    EXPECT_EQ(seq->ReadTimestampDeltasNs(3).status().code(), StatusCode::kInvalidArgument)
        << "past max_timestamps";
    // A slot past the pool is caught while recording.
    ASSERT_TRUE(seq->Begin().ok());
    seq->WriteTimestamp(2);
    EXPECT_EQ(seq->End().code(), StatusCode::kInvalidArgument);
  } else {
    EXPECT_EQ(seq->ReadTimestampDeltasNs(2).status().code(), StatusCode::kUnimplemented);
  }
}

TEST_F(CommandSequenceTest, DestructorWaitsForPendingWork) {
  // Big enough to still be running on a CPU driver when the destructor runs;
  // destroying in-use objects would be a validation error in TearDown.
  constexpr uint32_t kN = 1 << 20;
  auto x = NewBuffer(kN * sizeof(float), MemoryDomain::kDevice);
  auto y = NewBuffer(kN * sizeof(float), MemoryDomain::kDevice);
  ASSERT_TRUE(x && y);
  auto seq = NewSequence();
  ASSERT_NE(seq, nullptr);
  ASSERT_TRUE(seq->Begin().ok());
  const VkDescriptorSet set = Set(x->handle(), y->handle());
  for (int i = 0; i < 16; ++i) {
    RecordSaxpy(*seq, set, 1.0f, kN);
    seq->ComputeBarrier({y->handle()});  // write-after-write on y
  }
  ASSERT_TRUE(seq->End().ok());
  ASSERT_TRUE(seq->Submit().ok());
  seq.reset();
  x.reset();
  y.reset();
}

}  // namespace
}  // namespace vkd::gpu
