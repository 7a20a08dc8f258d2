// Lifetime-based placement of intermediate tensors in one arena.
//
// Each tensor lives from the step that writes it to the last step that reads
// it. Tensors are placed largest first at the lowest aligned offset that does
// not overlap a placed tensor whose lifetime intersects (the greedy-by-size
// heuristic TFLite's planner uses too); for MobileNet-class graphs the arena
// ends up a small multiple of the largest activation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vkd {

struct TensorLifetime {
  size_t bytes = 0;
  int first_step = 0;  // step that writes it (-1: before the first step)
  int last_step = 0;   // last step that reads it (INT32_MAX-ish: kept to the end)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per lifetime, in input order
  size_t arena_bytes = 0;
};

// `alignment` must be a power of two.
MemoryPlan PlanMemory(const std::vector<TensorLifetime>& lifetimes, size_t alignment = 64);

}  // namespace vkd
