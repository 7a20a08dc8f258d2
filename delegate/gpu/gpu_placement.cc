#include "delegate/gpu/gpu_placement.h"

#include "model/transform/dequantize_model.h"

namespace vkd::gpu_delegate {
namespace {

bool IsQuantizedActivation(const ir::Tensor& t) {
  return !t.is_constant() && !t.quant.empty() &&
         (t.type == ir::DataType::kInt8 || t.type == ir::DataType::kUInt8 ||
          t.type == ir::DataType::kInt16);
}

// A node that reads or writes a quantized activation (quantized weights
// alone make a hybrid node, which the GPU takes as it is).
bool TouchesQuantizedActivation(const ir::Graph& g, const ir::Node& node) {
  for (const auto* list : {&node.inputs, &node.outputs}) {
    for (int t : *list) {
      if (t >= 0 && t < static_cast<int>(g.tensors.size()) && IsQuantizedActivation(g.tensors[t])) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

GpuPlacement PlaceOnGpu(const ir::Graph& graph, const SupportLimits& limits, bool enable_quant,
                        const std::vector<std::string>* cpu_reasons) {
  GpuPlacement p;
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<bool> quantized(n, false);
  bool any_quantized = false;
  for (int i = 0; i < n; ++i) {
    quantized[i] = TouchesQuantizedActivation(graph, graph.nodes[i]);
    any_quantized = any_quantized || quantized[i];
  }
  if (enable_quant && any_quantized) {
    transform::DequantizeModelOptions o;
    o.allow_unlisted_ops = true;  // such nodes stay on the CPU below
    o.keep_every_node = true;
    auto deq = transform::DequantizeModel(graph, o);
    if (deq.ok()) {
      p.float_graph = std::make_shared<const ir::Graph>(std::move(deq->graph));
    } else {
      p.quant_note = "enable_quant: no float form of this graph (" + deq.status().message() + ")";
    }
  }
  for (int i = 0; i < n; ++i) {
    if (cpu_reasons && !(*cpu_reasons)[i].empty()) {
      p.verdicts.push_back({false, (*cpu_reasons)[i]});
    } else if (!quantized[i]) {
      p.verdicts.push_back(CheckGpuSupport(graph, i, limits));
    } else if (!p.float_graph) {
      p.verdicts.push_back({false, enable_quant ? p.quant_note
                                                : "quantized: int8/uint8 ops run on the CPU kernels "
                                                  "(enable_quant runs them in float on the GPU)"});
    } else {
      const ir::OpType op = graph.nodes[i].op;
      const bool convert = op == ir::OpType::kQuantize || op == ir::OpType::kDequantize;
      if (!convert && !transform::IsValueSemanticOp(op)) {
        p.verdicts.push_back({false, "quantized " + ir::OpTypeName(op) +
                                         " has no float equivalent (enable_quant)"});
      } else {
        p.verdicts.push_back(CheckGpuSupport(*p.float_graph, i, limits));
      }
    }
  }
  return p;
}

}  // namespace vkd::gpu_delegate
