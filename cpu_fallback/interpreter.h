// The CPU interpreter: runs an ir::Graph node by node with vkdelegate's own
// kernels. Also the fallback engine behind GPU partitions.
//
// Life cycle (as TFLite's):
//   Create(graph)      checks that every node has a kernel;
//   ResizeInput(...)   optional, e.g. batch 4 for a model whose batch is -1;
//   AllocateTensors()  runs every kernel's Prepare in order (shape
//                      propagation, weight packing), evaluates once every
//                      node whose inputs are all constant (DEQUANTIZE of int8
//                      weights, say) so that its output is a constant to the
//                      nodes after it, and plans one arena for the remaining
//                      intermediates by lifetime;
//   Invoke()           runs every kernel's Eval.
// Input and output data pointers are valid after AllocateTensors and stay
// put until the next AllocateTensors.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "cpu_fallback/kernel.h"
#include "cpu_fallback/thread_pool.h"
#include "model/ir/graph.h"

namespace vkd::cpu {

struct InterpreterOptions {
  // Worker threads for kernels (the caller's thread counts as one).
  int num_threads = 1;
  // The most bytes the tensor arena may take: a model may declare anything,
  // and one that needs more fails at AllocateTensors with the figure and
  // the limit instead of driving the machine into its OOM killer.
  // 0: three quarters of the machine's physical memory.
  size_t memory_budget_bytes = 0;
  // Run the spec-readable reference kernels instead of the optimized ones
  // (tests; much slower).
  bool use_reference_kernels = false;
  // Time every node's Eval (adds two clock reads per node).
  bool enable_profiling = false;
  // Kernels for CUSTOM nodes, by custom_name (GPU partitions).
  std::map<std::string, std::shared_ptr<CustomKernel>> custom_kernels;
};

struct NodeProfile {
  int node_index = 0;
  double total_ms = 0;  // summed over invokes since the last ResetProfile
  double first_ms = 0;  // the first of those invokes
  int64_t invokes = 0;
};

class Interpreter {
 public:
  static StatusOr<std::unique_ptr<Interpreter>> Create(ir::Graph graph,
                                                       const InterpreterOptions& options);
  ~Interpreter();

  Status ResizeInput(int input_index, const ir::Shape& shape);
  Status AllocateTensors();
  Status Invoke();

  const ir::Graph& graph() const { return graph_; }
  int num_inputs() const { return static_cast<int>(graph_.inputs.size()); }
  int num_outputs() const { return static_cast<int>(graph_.outputs.size()); }
  // Runtime metadata (shapes after resizing) of a graph tensor.
  const ir::Tensor& tensor(int tensor_index) const { return tensors_[tensor_index]; }
  const ir::Tensor& input_tensor(int i) const { return tensors_[graph_.inputs[i]]; }
  const ir::Tensor& output_tensor(int i) const { return tensors_[graph_.outputs[i]]; }
  uint8_t* input_data(int i) { return data_[graph_.inputs[i]]; }
  const uint8_t* output_data(int i) const { return data_[graph_.outputs[i]]; }

  size_t arena_bytes() const { return arena_bytes_; }
  // Nodes evaluated once at AllocateTensors because all their inputs are constant.
  int num_folded_nodes() const;
  bool is_folded(int node_index) const { return folded_[node_index] != 0; }
  // The implementation that runs a node after AllocateTensors: "xnnpack",
  // "reference" (use_reference_kernels) or "vkdelegate" (its own kernels).
  const char* node_implementation(int node_index) const;
  const std::vector<NodeProfile>& profile() const { return profile_; }
  void ResetProfile();

 private:
  Interpreter(ir::Graph graph, const InterpreterOptions& options);
  Status FoldIfConstant(int node_index);

  ir::Graph graph_;
  InterpreterOptions options_;
  ThreadPool pool_;
  Status PrepareNode(int n, KernelContext& ctx);
  Status EvalNode(int n, KernelContext& ctx);

  std::vector<const KernelRegistration*> kernels_;     // per node
  std::vector<std::shared_ptr<CustomKernel>> custom_;  // per node; set for CUSTOM nodes
  std::vector<std::unique_ptr<KernelState>> states_;   // per node
  std::vector<ir::Tensor> tensors_;                    // runtime shapes
  std::vector<uint8_t*> data_;                         // per tensor
  std::unique_ptr<uint8_t[], void (*)(void*)> arena_{nullptr, nullptr};
  std::vector<uint8_t> empty_outputs_;                      // per node: every output has 0 elements
  std::vector<uint8_t> folded_;                             // per node
  std::vector<std::unique_ptr<uint8_t[]>> folded_storage_;  // outputs of folded nodes
  size_t arena_bytes_ = 0;
  bool allocated_ = false;
  std::vector<NodeProfile> profile_;
};

}  // namespace vkd::cpu
