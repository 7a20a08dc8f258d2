// The standalone front door: a model's graph run on the GPU where it can be
// and on the CPU interpreter elsewhere, in one invoke.
//
//   1. every node gets a GPU verdict (delegate/gpu/op_support);
//   2. the partitioner groups GPU nodes into partitions;
//   3. each partition becomes one CUSTOM node of a rewritten graph, whose
//      kernel is a GpuPartition; the CPU interpreter runs that graph, so a
//      tensor crossing GPU<->CPU is copied once per invoke.
// Without a usable Vulkan device (or when a partition fails to compile) it
// warns once and runs everything on the CPU.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/gpu/gpu_context.h"
#include "delegate/gpu/gpu_partition.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd {

struct RunnerOptions {
  bool use_gpu = true;
  gpu_delegate::GpuOptions gpu;
  // Use this context instead of creating one from `gpu` (several runners,
  // one device: tests, two interpreters in one host).
  std::shared_ptr<gpu_delegate::GpuContext> shared_context;
  partition::PartitionOptions partition;
  cpu::InterpreterOptions cpu;  // threads, reference kernels, profiling
  // Print the one-line fallback warning to stderr.
  bool warn_on_fallback = true;
  // Quantized models: run int8/uint8 ops in float on the GPU (weights
  // dequantized at upload, QUANTIZE/DEQUANTIZE at partition edges), as
  // TFLite's GPU delegate with ENABLE_QUANT. Off: they stay on the CPU
  // kernels, which match TFLite bit for bit.
  bool enable_quant = false;
};

class ModelRunner {
 public:
  static StatusOr<std::unique_ptr<ModelRunner>> Create(ir::Graph graph,
                                                       const RunnerOptions& options);
  ~ModelRunner();

  Status ResizeInput(int input_index, const ir::Shape& shape);
  Status AllocateTensors();
  Status Invoke();

  const ir::Graph& graph() const { return *graph_; }  // the model's graph
  cpu::Interpreter& interpreter() { return *interpreter_; }
  const cpu::Interpreter& interpreter() const { return *interpreter_; }
  int num_inputs() const { return interpreter_->num_inputs(); }
  int num_outputs() const { return interpreter_->num_outputs(); }
  const ir::Tensor& input_tensor(int i) const { return interpreter_->input_tensor(i); }
  const ir::Tensor& output_tensor(int i) const { return interpreter_->output_tensor(i); }
  uint8_t* input_data(int i) { return interpreter_->input_data(i); }
  const uint8_t* output_data(int i) const { return interpreter_->output_data(i); }

  // Placement.
  bool gpu_active() const { return !partitions_.empty(); }
  // Why the GPU is not used at all (no device, compile failure...); empty otherwise.
  const std::string& gpu_fallback_reason() const { return fallback_reason_; }
  // Why model node `n` runs on the CPU, in words that name the fix ("" when
  // it runs on the GPU): the node's own verdict (unsupported op, int8 without
  // enable_quant, a tensor past the device's storage-buffer range, a partition
  // too small...), or why the whole GPU is not used. One source for vkd-bench's
  // summary, placement list, JSON and SVG.
  std::string CpuReason(int n) const;
  const std::vector<partition::NodeVerdict>& verdicts() const { return verdicts_; }
  const partition::PartitionPlan& plan() const { return plan_; }
  // Why enable_quant did not apply; empty when it did or was not asked.
  const std::string& quant_note() const { return quant_note_; }
  const std::vector<std::shared_ptr<gpu_delegate::GpuPartition>>& partitions() const {
    return partitions_;
  }
  const gpu_delegate::GpuContext* gpu_context() const { return context_.get(); }
  double gpu_context_ms() const { return context_ms_; }
  double partition_ms() const { return partition_ms_; }
  // Per node of interpreter().graph(): the model node (>= 0), or -1 - p for
  // GPU partition p.
  const std::vector<int>& run_node_origin() const { return run_node_origin_; }

 private:
  ModelRunner() = default;
  Status BuildInterpreter(bool with_gpu);
  void FallBackToCpu(const std::string& reason);

  std::shared_ptr<const ir::Graph> graph_;
  // The graph GPU partitions are compiled from: graph_, or with enable_quant
  // its float form (same node and tensor ids).
  std::shared_ptr<const ir::Graph> gpu_graph_;
  RunnerOptions options_;
  std::shared_ptr<gpu_delegate::GpuContext> context_;
  std::vector<partition::NodeVerdict> verdicts_;
  partition::PartitionPlan plan_;
  std::vector<std::shared_ptr<gpu_delegate::GpuPartition>> partitions_;
  std::unique_ptr<cpu::Interpreter> interpreter_;
  std::vector<int> run_node_origin_;
  std::vector<std::pair<int, ir::Shape>> resizes_;  // replayed after a fallback
  std::string fallback_reason_;
  std::string quant_note_;
  double context_ms_ = 0, partition_ms_ = 0;
};

// The graph with each partition replaced by one CUSTOM node named
// "vkd_gpu_partition_<i>", nodes re-sorted so every node follows its inputs'
// producers. `origin` (optional) gets, per node of the result, the model
// node it is (>= 0) or -1 - p for partition p. Exposed for tests.
ir::Graph ReplacePartitionsWithNodes(const ir::Graph& graph, const partition::PartitionPlan& plan,
                                     std::vector<int>* origin = nullptr);

}  // namespace vkd
