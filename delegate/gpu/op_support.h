// Which nodes the GPU path runs, and why not when it does not. One place
// for the answer, so vkd-bench's placement report, the partitioner and the
// program builder agree.
#pragma once

#include <cstdint>

#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::gpu_delegate {

struct SupportLimits {
  // maxStorageBufferRange of the device: no single GPU tensor may be larger.
  uint64_t max_tensor_bytes = 1ull << 27;
};

// The verdict for one node, from its op, types, options and (file) shapes.
partition::NodeVerdict CheckGpuSupport(const ir::Graph& graph, int node,
                                       const SupportLimits& limits);

}  // namespace vkd::gpu_delegate
