#include "common/memory_planner.h"

#include <gtest/gtest.h>

#include <random>

namespace vkd::cpu {
namespace {

// Tensors whose lifetimes overlap must never share bytes.
void ExpectNoLiveOverlap(const std::vector<TensorLifetime>& l, const MemoryPlan& p) {
  for (size_t a = 0; a < l.size(); ++a) {
    EXPECT_LE(p.offsets[a] + l[a].bytes, p.arena_bytes);
    EXPECT_EQ(p.offsets[a] % 64, 0u);
    for (size_t b = a + 1; b < l.size(); ++b) {
      const bool live_together =
          !(l[a].last_step < l[b].first_step || l[b].last_step < l[a].first_step);
      const bool bytes_overlap =
          p.offsets[a] < p.offsets[b] + l[b].bytes && p.offsets[b] < p.offsets[a] + l[a].bytes;
      EXPECT_FALSE(live_together && bytes_overlap && l[a].bytes && l[b].bytes)
          << "tensors " << a << " and " << b;
    }
  }
}

TEST(MemoryPlanner, ChainReusesMemory) {
  // A chain t0 -> t1 -> t2 -> t3: only two tensors live at once.
  std::vector<TensorLifetime> l = {{1000, -1, 0}, {1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}};
  MemoryPlan p = PlanMemory(l);
  ExpectNoLiveOverlap(l, p);
  EXPECT_LE(p.arena_bytes, 2 * 1024u);
}

TEST(MemoryPlanner, RandomLifetimesNeverOverlap) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<TensorLifetime> l;
    for (int i = 0; i < 40; ++i) {
      int a = static_cast<int>(rng() % 30), b = a + static_cast<int>(rng() % 10);
      l.push_back({static_cast<size_t>(rng() % 5000), a, b});
    }
    ExpectNoLiveOverlap(l, PlanMemory(l));
  }
}

}  // namespace
}  // namespace vkd::cpu
