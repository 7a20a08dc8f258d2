// One GPU partition as both front doors run it: the standalone ModelRunner
// (a custom node of its CPU interpreter) and the TFLite delegate (a delegate
// kernel). Shaped like TFLite's SimpleDelegateKernelInterface: Prepare with
// the partition's input shapes, which infers every shape inside (the ops'
// shape rules, ops/partition_shapes.h), gives the
// output shapes and (re)plans the GPU program; then Invoke with data
// pointers, converting quantized edges (enable_quant) on the way.
//
// It owns what it needs: the GPU context and the graphs are shared, so
// nothing rests on a caller keeping them alive. With `cpu_fallback`, a
// partition that cannot be compiled, or whose device fails mid-invoke, runs
// the same nodes on vkdelegate's CPU interpreter from then on (the delegate
// does this: TFLite keeps its model); without it those failures are returned
// and the caller decides (ModelRunner falls back as a whole).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/gpu/gpu_context.h"
#include "delegate/gpu/gpu_partition.h"
#include "delegate/gpu/partition_edges.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd {

class PartitionRunner {
 public:
  // `host_graph`: the tensors as the caller holds them (quantized where the
  // model is); `gpu_graph`: the graph the partition is compiled from (the
  // same, or its float form with enable_quant, with the same ids).
  static StatusOr<std::unique_ptr<PartitionRunner>> Create(
      std::shared_ptr<gpu_delegate::GpuContext> gpu, std::shared_ptr<const ir::Graph> host_graph,
      std::shared_ptr<const ir::Graph> gpu_graph, partition::Partition partition,
      bool cpu_fallback);

  // Infers the shapes inside the partition from its inputs' and returns its
  // outputs'. A changed shape re-plans the GPU program (or the CPU form).
  Status Prepare(const std::vector<ir::Shape>& input_shapes, std::vector<ir::Shape>* output_shapes);
  // `in` / `out`: one pointer per partition input / output, in the host's
  // types and the shapes of the last Prepare.
  Status Invoke(const std::vector<const void*>& in, const std::vector<void*>& out);

  const partition::Partition& partition() const { return gpu_->partition(); }
  const std::shared_ptr<gpu_delegate::GpuPartition>& gpu() const { return gpu_; }
  // True once the partition runs on the CPU; `cpu_reason` says why.
  bool on_cpu() const { return cpu_ != nullptr; }
  const std::string& cpu_reason() const { return cpu_reason_; }

 private:
  PartitionRunner() = default;
  // Builds the CPU form for the current input shapes; `why` is kept.
  Status StartCpu(const std::string& why);
  Status InvokeOnCpu(const std::vector<const void*>& in, const std::vector<void*>& out);

  std::shared_ptr<const ir::Graph> host_graph_, gpu_graph_;
  std::shared_ptr<gpu_delegate::GpuPartition> gpu_;
  gpu_delegate::PartitionEdges edges_;
  bool cpu_fallback_ = false;
  std::vector<ir::Shape> input_shapes_;    // of the last Prepare
  std::unique_ptr<cpu::Interpreter> cpu_;  // set once the partition runs on the CPU
  std::string cpu_reason_;
};

}  // namespace vkd
