// Splits a graph between the GPU and the CPU interpreter.
//
// Input: which nodes the GPU can run (a per-node verdict with a reason when
// it cannot). Output: the largest groups of GPU nodes that can each run as
// one unit — one GPU submission — without making the graph cyclic: a
// partition never needs, between two of its nodes, the result of a node
// outside it (otherwise the CPU would have to run in the middle of a
// submission). The CPU interpreter runs everything else.
//
// Algorithm (the one TFLite's delegates use, in spirit): walk the graph in
// dependency order, alternately taking every ready node of one kind (GPU or
// CPU) until none is ready, then switching kind. Each maximal run of GPU nodes
// becomes one candidate partition (a node reading only constants, such as the
// DEQUANTIZE of fp16 weights, joins the candidate of its readers when they
// are all in one); candidates are ranked by node count, the
// `max_partitions` largest are kept and those smaller than
// `min_nodes_per_partition` are dropped (their nodes go back to the CPU,
// with the reason said).
#pragma once

#include <string>
#include <vector>

#include "model/ir/graph.h"

namespace vkd::partition {

// What a support check says about one node: GPU-capable, or why not
// ("op RESIZE_BICUBIC not supported", "input 0: INT8 tensors run on the
// CPU", ...).
struct NodeVerdict {
  bool gpu = false;
  std::string reason;  // empty when gpu
};

struct PartitionOptions {
  int max_partitions = 0;           // <= 0: unlimited
  int min_nodes_per_partition = 1;  // partitions with fewer nodes stay on the CPU
};

struct Partition {
  std::vector<int> nodes;    // in graph (execution) order
  std::vector<int> inputs;   // tensors read by the partition and produced
                             // outside it (graph inputs, CPU nodes' outputs);
                             // constants are not listed
  std::vector<int> outputs;  // tensors produced inside and read outside
                             // (by CPU nodes, other partitions, or graph outputs)
};

struct PartitionPlan {
  std::vector<Partition> partitions;  // in execution order
  // Per node: index into `partitions`, or -1 for the CPU.
  std::vector<int> node_partition;
  // Per node: empty for GPU nodes; the reason for CPU nodes (the support
  // check's reason, or "partition of N nodes below min_nodes_per_partition",
  // or "beyond max_partitions").
  std::vector<std::string> cpu_reason;
  int num_gpu_nodes() const;
};

// `verdicts` has one entry per graph node.
PartitionPlan PartitionGraph(const ir::Graph& graph, const std::vector<NodeVerdict>& verdicts,
                             const PartitionOptions& options);

}  // namespace vkd::partition
