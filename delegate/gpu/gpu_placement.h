// Which nodes of a graph the GPU takes, shared by both front doors
// (ModelRunner and the TFLite delegate).
//
// Float nodes get CheckGpuSupport's verdict. Nodes with int8/uint8
// activations stay on the CPU kernels, unless `enable_quant` (TFLite GPU
// delegate's ENABLE_QUANT): then the GPU runs their float form — weights
// dequantized at upload, activations in float — from a float copy of the
// graph with the same node and tensor ids, and the partitions' quantized
// inputs and outputs are converted at the edges (PartitionEdges).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "delegate/gpu/op_support.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::gpu_delegate {

struct GpuPlacement {
  std::vector<partition::NodeVerdict> verdicts;  // per node of the graph
  // With enable_quant and a quantized node: the graph's float form (same
  // node and tensor ids), from which GPU partitions are compiled. Null when
  // the graph itself serves.
  std::shared_ptr<const ir::Graph> float_graph;
  // Why enable_quant could not apply (the graph has no float form); empty
  // otherwise.
  std::string quant_note;

  const ir::Graph& gpu_graph(const ir::Graph& graph) const {
    return float_graph ? *float_graph : graph;
  }
};

// `cpu_reasons` (optional, one per node): a non-empty entry keeps that node
// on the CPU with that reason whatever its op.
GpuPlacement PlaceOnGpu(const ir::Graph& graph, const SupportLimits& limits, bool enable_quant,
                        const std::vector<std::string>* cpu_reasons = nullptr);

}  // namespace vkd::gpu_delegate
