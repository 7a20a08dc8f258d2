// What vkd-bench knows of a standalone run, read through the public C API
// (include/vkdelegate/runner.h) only: vkd-bench runs models exactly as a user
// of the library can. The model's graph is rebuilt as a plain ir::Graph for
// labels and pictures; placement, dispatches, start-up and memory figures come
// from VkdRunner* calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"
#include "vkdelegate/runner.h"

namespace vkd::tools {

struct RunnerDeleter {
  void operator()(VkdRunner* r) const { VkdRunnerDelete(r); }
};
using RunnerPtr = std::unique_ptr<VkdRunner, RunnerDeleter>;

// A failed VkdStatus as a Status carrying VkdLastError().
Status FromVkd(VkdStatus status);

// An input's or output's description as the IR spells it (type, shape, name).
ir::Tensor TensorFromInfo(const VkdTensorInfo& info);
StatusOr<ir::Tensor> InputTensor(const VkdRunner* r, int index);
StatusOr<ir::Tensor> OutputTensor(const VkdRunner* r, int index);

struct DispatchView {
  int partition = 0;
  std::string kernel, variant, chosen_by;
  std::vector<int> nodes;
  double flops = 0, first_ms = 0, avg_ms = 0;
  int64_t invokes = 0;
};

struct RunnerView {
  ir::Graph graph;                      // the model's nodes and tensors (no data)
  std::vector<std::string> cpu_reason;  // per node: why it runs on the CPU ("" on the GPU)
  std::vector<int> node_partition;      // per node: GPU partition, -1 on the CPU
  std::string gpu_fallback_reason;      // why the GPU is not used at all
  VkdRunnerStats stats{};
  std::vector<DispatchView> dispatches;  // submission order, all partitions
  bool gpu_active() const { return stats.partitions > 0; }
};

// Reads everything above after AllocateTensors (placement is final then).
StatusOr<RunnerView> ReadRunnerView(const VkdRunner* r);
// The dispatches again, with the profile's latest times.
std::vector<DispatchView> ReadDispatches(const VkdRunner* r);

}  // namespace vkd::tools
