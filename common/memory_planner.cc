#include "common/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace vkd {

MemoryPlan PlanMemory(const std::vector<TensorLifetime>& lifetimes, size_t alignment) {
  const size_t n = lifetimes.size();
  MemoryPlan plan;
  plan.offsets.assign(n, 0);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lifetimes[a].bytes > lifetimes[b].bytes; });
  auto align_up = [alignment](size_t v) { return (v + alignment - 1) & ~(alignment - 1); };

  std::vector<size_t> placed;  // indices already given an offset
  placed.reserve(n);
  for (size_t idx : order) {
    const TensorLifetime& t = lifetimes[idx];
    if (t.bytes == 0) continue;
    // Intervals taken by live-overlapping tensors, sorted by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t p : placed) {
      const TensorLifetime& o = lifetimes[p];
      if (o.last_step < t.first_step || t.last_step < o.first_step) continue;
      busy.emplace_back(plan.offsets[p], plan.offsets[p] + o.bytes);
    }
    std::sort(busy.begin(), busy.end());
    size_t candidate = 0;
    for (const auto& [begin, end] : busy) {
      if (candidate + t.bytes <= begin) break;  // fits in the gap before this one
      candidate = std::max(candidate, align_up(end));
    }
    plan.offsets[idx] = candidate;
    plan.arena_bytes = std::max(plan.arena_bytes, align_up(candidate + t.bytes));
    placed.push_back(idx);
  }
  return plan;
}

}  // namespace vkd
