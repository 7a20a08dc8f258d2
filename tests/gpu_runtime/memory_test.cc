// cts-style tests of the sub-allocator: ranges never overlap, stay aligned,
// are reused after free, and blocks are released; errors are Status values.
#include "gpu_runtime/memory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "vulkan_test_fixture.h"

namespace vkd::gpu {
namespace {

class MemoryTest : public VulkanTest {
 protected:
  std::unique_ptr<MemoryAllocator> MakeAllocator(VkDeviceSize block_bytes) {
    MemoryAllocatorOptions o;
    o.block_bytes = block_bytes;
    auto a = MemoryAllocator::Create(*device_, o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
};

// Fills a mapped buffer with a pattern derived from `id`, so a later check
// sees any other buffer writing over it.
void FillPattern(Buffer& b, uint32_t id) {
  auto* p = static_cast<uint8_t*>(b.mapped());
  for (VkDeviceSize i = 0; i < b.size(); ++i) p[i] = static_cast<uint8_t>(id * 131 + i * 7);
}

bool HasPattern(const Buffer& b, uint32_t id) {
  const auto* p = static_cast<const uint8_t*>(b.mapped());
  for (VkDeviceSize i = 0; i < b.size(); ++i) {
    if (p[i] != static_cast<uint8_t>(id * 131 + i * 7)) return false;
  }
  return true;
}

const char* Name(MemoryDomain d) {
  return d == MemoryDomain::kDevice ? "device" : d == MemoryDomain::kUpload ? "upload" : "readback";
}

TEST_F(MemoryTest, MixedSizesNeverOverlapAndAreReusedAfterRandomFrees) {
  constexpr VkDeviceSize kBlock = 1 << 20;
  auto alloc = MakeAllocator(kBlock);
  ASSERT_NE(alloc, nullptr);
  std::mt19937 rng(1234);
  const MemoryDomain domains[] = {MemoryDomain::kDevice, MemoryDomain::kUpload,
                                  MemoryDomain::kReadback};
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::vector<uint32_t> ids;
  uint64_t requested = 0;
  auto add = [&](uint32_t id) {
    // Odd sizes from 1 byte to 96 KiB: every alignment remainder occurs.
    const VkDeviceSize size = 1 + rng() % (96 << 10);
    const MemoryDomain d = domains[rng() % 3];
    auto b = alloc->CreateBuffer(size, d);
    ASSERT_TRUE(b.ok()) << size << " " << Name(d) << ": " << b.status().ToString();
    EXPECT_EQ((*b)->size(), size);
    EXPECT_EQ((*b)->domain(), d);
    if (d != MemoryDomain::kDevice) {
      ASSERT_TRUE((*b)->host_visible()) << Name(d);
    }
    if ((*b)->host_visible()) {
      // vkMapMemory returns minMemoryMapAlignment (>= 64)-aligned pointers, so
      // the offset alignment shows in the address.
      EXPECT_EQ(reinterpret_cast<uintptr_t>((*b)->mapped()) %
                    std::min<uint64_t>(info().min_storage_buffer_offset_alignment, 64),
                0u);
      FillPattern(**b, id);
    }
    requested += size;
    buffers.push_back(std::move(b).value());
    ids.push_back(id);
  };
  auto check_all = [&] {
    for (size_t i = 0; i < buffers.size(); ++i) {
      if (buffers[i]->host_visible()) {
        ASSERT_TRUE(HasPattern(*buffers[i], ids[i])) << "buffer " << ids[i] << " overwritten";
      }
    }
    // Distinct mappings never share addresses, so intervals must be disjoint.
    std::vector<std::pair<uintptr_t, uintptr_t>> ranges;
    for (const auto& b : buffers) {
      if (!b->host_visible()) continue;
      const auto start = reinterpret_cast<uintptr_t>(b->mapped());
      ranges.emplace_back(start, start + b->size());
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i) {
      ASSERT_LE(ranges[i - 1].second, ranges[i].first) << "two buffers overlap";
    }
  };

  uint32_t next_id = 0;
  for (int i = 0; i < 150; ++i) add(next_id++);
  check_all();
  MemoryStats s = alloc->stats();
  EXPECT_EQ(s.num_buffers, 150);
  EXPECT_GE(s.used_bytes, requested);
  EXPECT_GE(s.block_bytes, s.used_bytes);
  EXPECT_GT(s.num_blocks, 3) << "~7 MiB in 1 MiB blocks";
  const int blocks_first_round = s.num_blocks;

  // Free a random half, refill the holes, check nothing was disturbed.
  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::unique_ptr<Buffer>> kept;
  std::vector<uint32_t> kept_ids;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k < order.size() / 2) {
      buffers[order[k]].reset();
    } else {
      kept.push_back(std::move(buffers[order[k]]));
      kept_ids.push_back(ids[order[k]]);
    }
  }
  buffers = std::move(kept);
  ids = std::move(kept_ids);
  check_all();
  for (int i = 0; i < 75; ++i) add(next_id++);
  check_all();
  // First fit into the freed holes: the refill needs few, if any, new blocks.
  EXPECT_LE(alloc->stats().num_blocks, blocks_first_round + 2);

  std::shuffle(buffers.begin(), buffers.end(), rng);
  buffers.clear();
  s = alloc->stats();
  EXPECT_EQ(s.used_bytes, 0u);
  EXPECT_EQ(s.num_buffers, 0);
  // One block kept per memory type at most (three domains, three types).
  EXPECT_LE(s.num_blocks, 3);
  EXPECT_EQ(s.block_bytes, static_cast<uint64_t>(s.num_blocks) * kBlock);
  EXPECT_GE(s.peak_used_bytes, requested / 2);

  // The kept block is reused: a buffer that fits allocates no new memory.
  const uint64_t before = s.block_bytes;
  auto again = alloc->CreateBuffer(1000, MemoryDomain::kUpload);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(alloc->stats().block_bytes, before);
}

TEST_F(MemoryTest, FreedRangesCoalesceIntoOneWholeBlock) {
  constexpr VkDeviceSize kBlock = 256 << 10;
  auto alloc = MakeAllocator(kBlock);
  ASSERT_NE(alloc, nullptr);
  std::vector<std::unique_ptr<Buffer>> quarters;
  for (int i = 0; i < 4; ++i) {
    auto b = alloc->CreateBuffer(kBlock / 4, MemoryDomain::kUpload);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    quarters.push_back(std::move(b).value());
  }
  ASSERT_EQ(alloc->stats().num_blocks, 1) << "four quarters fill exactly one block";
  // Free 1, 3, 0, 2: only full coalescing leaves room for a whole block.
  for (int i : {1, 3, 0, 2}) quarters[i].reset();
  auto whole = alloc->CreateBuffer(kBlock, MemoryDomain::kUpload);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(alloc->stats().num_blocks, 1);
  EXPECT_EQ(alloc->stats().block_bytes, kBlock);
}

TEST_F(MemoryTest, BufferLargerThanABlockGetsItsOwnBlock) {
  constexpr VkDeviceSize kBlock = 1 << 20;
  auto alloc = MakeAllocator(kBlock);
  ASSERT_NE(alloc, nullptr);
  auto small = alloc->CreateBuffer(4096, MemoryDomain::kUpload);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  const MemoryStats before = alloc->stats();
  {
    constexpr VkDeviceSize kBig = 3 * kBlock + 12345;
    auto big = alloc->CreateBuffer(kBig, MemoryDomain::kUpload);
    ASSERT_TRUE(big.ok()) << big.status().ToString();
    const MemoryStats s = alloc->stats();
    EXPECT_EQ(s.num_blocks, before.num_blocks + 1);
    EXPECT_GE(s.block_bytes, before.block_bytes + kBig);
    EXPECT_LT(s.block_bytes, before.block_bytes + kBig + kBlock) << "sized to fit, not rounded up";
    FillPattern(**big, 7);
    FillPattern(**small, 8);
    EXPECT_TRUE(HasPattern(**big, 7));
    EXPECT_TRUE(HasPattern(**small, 8));
  }
  // A dedicated block goes as soon as its buffer does.
  EXPECT_EQ(alloc->stats().num_blocks, before.num_blocks);
  EXPECT_EQ(alloc->stats().block_bytes, before.block_bytes);
}

TEST_F(MemoryTest, EmptyBlocksAreFreedExceptOnePerType) {
  constexpr VkDeviceSize kBlock = 64 << 10;
  auto alloc = MakeAllocator(kBlock);
  ASSERT_NE(alloc, nullptr);
  std::vector<std::unique_ptr<Buffer>> buffers;
  for (int i = 0; i < 40; ++i) {
    auto b = alloc->CreateBuffer(16 << 10, MemoryDomain::kReadback);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    buffers.push_back(std::move(b).value());
  }
  EXPECT_GE(alloc->stats().num_blocks, 10);
  buffers.clear();
  EXPECT_EQ(alloc->stats().num_blocks, 1);
  EXPECT_EQ(alloc->stats().block_bytes, kBlock);
}

TEST_F(MemoryTest, ZeroSizeIsInvalidArgument) {
  auto alloc = MakeAllocator(1 << 20);
  ASSERT_NE(alloc, nullptr);
  auto b = alloc->CreateBuffer(0, MemoryDomain::kDevice);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(alloc->stats().num_buffers, 0);
}

TEST_F(MemoryTest, OutOfMemoryIsResourceExhaustedNamingSizeAndDomain) {
  auto alloc = MakeAllocator(1 << 20);
  ASSERT_NE(alloc, nullptr);
  constexpr VkDeviceSize kHuge = 1ull << 50;  // 1 PiB
  for (MemoryDomain d : {MemoryDomain::kDevice, MemoryDomain::kUpload, MemoryDomain::kReadback}) {
    auto b = alloc->CreateBuffer(kHuge, d);
    ASSERT_FALSE(b.ok()) << Name(d);
    EXPECT_EQ(b.status().code(), StatusCode::kResourceExhausted) << b.status().ToString();
    EXPECT_NE(b.status().message().find(std::to_string(kHuge)), std::string::npos)
        << b.status().message();
    EXPECT_NE(b.status().message().find(Name(d)), std::string::npos) << b.status().message();
  }
  const MemoryStats s = alloc->stats();
  EXPECT_EQ(s.num_buffers, 0);
  EXPECT_EQ(s.used_bytes, 0u);
  // Still usable afterwards.
  auto ok = alloc->CreateBuffer(64, MemoryDomain::kDevice);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(MemoryTest, StagingDomainsAreMappedAndDeviceFlagIsHonest) {
  auto alloc = MakeAllocator(1 << 20);
  ASSERT_NE(alloc, nullptr);
  auto up = alloc->CreateBuffer(100, MemoryDomain::kUpload);
  auto rb = alloc->CreateBuffer(100, MemoryDomain::kReadback);
  auto dev = alloc->CreateBuffer(100, MemoryDomain::kDevice);
  ASSERT_TRUE(up.ok() && rb.ok() && dev.ok());
  EXPECT_TRUE((*up)->host_visible());
  EXPECT_TRUE((*rb)->host_visible());
  EXPECT_EQ((*dev)->host_visible(), alloc->device_memory_is_host_visible());
  EXPECT_TRUE((*rb)->InvalidateForRead().ok());
  if (info().kind == DeviceKind::kCpu) {
    EXPECT_TRUE(alloc->device_memory_is_host_visible()) << "CPU devices have unified memory";
  }
}

TEST_F(MemoryTest, ConcurrentCreateAndFreeKeepStatsConsistent) {
  auto alloc = MakeAllocator(256 << 10);
  ASSERT_NE(alloc, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<std::pair<std::unique_ptr<Buffer>, uint32_t>> mine;
      for (uint32_t i = 0; i < 200; ++i) {
        if (!mine.empty() && rng() % 3 == 0) {
          // Another thread handed out an overlapping range if this fails.
          const size_t k = rng() % mine.size();
          if (!HasPattern(*mine[k].first, mine[k].second)) failures++;
          mine.erase(mine.begin() + k);
          continue;
        }
        auto b = alloc->CreateBuffer(1 + rng() % 20000, MemoryDomain::kUpload);
        if (!b.ok()) {
          failures++;
          continue;
        }
        const uint32_t id = t * 1000 + i;
        FillPattern(**b, id);
        mine.emplace_back(std::move(b).value(), id);
      }
      for (const auto& [b, id] : mine) {
        if (!HasPattern(*b, id)) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const MemoryStats s = alloc->stats();
  EXPECT_EQ(s.num_buffers, 0);
  EXPECT_EQ(s.used_bytes, 0u);
  EXPECT_EQ(s.num_blocks, 1);
}

}  // namespace
}  // namespace vkd::gpu
