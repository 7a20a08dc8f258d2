// The graph a TFLite interpreter holds, seen as vkdelegate's ir::Graph.
//
// The delegate's Prepare builds this view from the TfLiteContext
// (GetExecutionPlan, GetNodeAndRegistration, the tensor array) and hands it
// to the same support checks, partitioner and GPU compiler the standalone
// ModelRunner uses. Tensor indices are TFLite's; constant tensors point at
// TFLite's read-only (mapped) buffers, which live as long as the model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"
#include "tensorflow/lite/c/common.h"

namespace vkd::tflite_glue {

struct ContextGraph {
  ir::Graph graph;               // nodes in execution-plan order
  std::vector<int> tflite_node;  // view node -> TFLite node index
  // Per view node: why the host front door cannot hand it to the GPU
  // whatever its op (a dynamic tensor, an unknown type); empty otherwise.
  std::vector<std::string> host_reason;

  // The view node of TFLite node `index`, or -1.
  int ViewNode(int tflite_index) const;
};

// Reads the current execution plan. Fails only on a context that breaks
// TFLite's own invariants.
StatusOr<std::shared_ptr<ContextGraph>> BuildContextGraph(TfLiteContext* context);

}  // namespace vkd::tflite_glue
