#include "delegate/gpu/op_support.h"

#include <map>
#include <memory>

#include "delegate/gpu/op_family.h"
#include "delegate/gpu/program.h"

namespace vkd::gpu_delegate {

namespace {

bool IsFloatConstantLike(const ir::Tensor& t) {
  if (!t.is_constant()) return false;
  if (t.type == ir::DataType::kFloat32 || t.type == ir::DataType::kFloat16) return true;
  // int8/uint8 weights of hybrid models: dequantized at upload.
  return (t.type == ir::DataType::kInt8 || t.type == ir::DataType::kUInt8) && !t.quant.empty();
}

// The output of a constant DEQUANTIZE is a constant to the GPU program too.
bool IsConstantLike(const ir::Graph& g, int t) {
  if (g.tensors[t].is_constant()) return true;
  for (const ir::Node& n : g.nodes) {
    for (int o : n.outputs) {
      if (o == t) {
        return n.op == ir::OpType::kDequantize && !n.inputs.empty() &&
               g.tensors[n.inputs[0]].is_constant();
      }
    }
  }
  return false;
}

}  // namespace

bool SupportQuery::constant_like(int t) const { return IsConstantLike(graph, t); }

bool SupportQuery::weights_ok(int i) const {
  return i < static_cast<int>(node.inputs.size()) && node.inputs[i] != ir::kNoTensor &&
         (IsFloatConstantLike(graph.tensors[node.inputs[i]]) || constant_like(node.inputs[i]));
}

bool SupportQuery::bias_ok() const {
  return node.inputs.size() < 3 || node.inputs[2] == ir::kNoTensor || weights_ok(2);
}

const GpuOpFamily* FindGpuOpFamily(ir::OpType op) {
  // Built once from every file's families; an op listed twice is a bug the
  // first lookup reports by keeping the first.
  static const auto* by_op = [] {
    auto* families = new std::vector<GpuOpFamily>();
    for (auto list : {ConvFamilies, PoolFamilies, SoftmaxFamilies, ShapeFamilies, ResizeFamilies,
                      TransposeConvFamilies, ElementwiseFamilies}) {
      for (GpuOpFamily& f : list()) families->push_back(std::move(f));
    }
    auto* map = new std::map<ir::OpType, const GpuOpFamily*>();
    for (const GpuOpFamily& f : *families) {
      for (ir::OpType op : f.ops) map->emplace(op, &f);
    }
    return map;
  }();
  auto it = by_op->find(op);
  return it == by_op->end() ? nullptr : it->second;
}

partition::NodeVerdict CheckGpuSupport(const ir::Graph& g, int n, const SupportLimits& limits) {
  const ir::Node& node = g.nodes[n];
  const ir::OpType op = node.op;
  // Constant DEQUANTIZE is folded at upload.
  if (op == ir::OpType::kDequantize) {
    if (node.inputs.size() == 1 && IsFloatConstantLike(g.tensors[node.inputs[0]])) return Yes();
    return No("DEQUANTIZE of an activation (quantized tensors run on the CPU)");
  }
  // Activations in and out: float32, BHWC-compatible, within one buffer range.
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const ir::Tensor& t = g.tensors[node.outputs[i]];
    if (t.type != ir::DataType::kFloat32) {
      return No("output " + std::to_string(i) + ": " + ir::DataTypeName(t.type) +
                " (the GPU runs float32 tensors)");
    }
    auto dims = ToDims(t.shape);
    if (!dims.ok()) return No("output " + std::to_string(i) + ": " + dims.status().message());
    if (static_cast<uint64_t>(dims->vec4_count()) * 16 > limits.max_tensor_bytes) {
      return No("output " + std::to_string(i) + " larger than the device's storage buffer range");
    }
  }
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const int t = node.inputs[i];
    if (t == ir::kNoTensor || IsConstantLike(g, t)) continue;
    const ir::Tensor& tensor = g.tensors[t];
    if (tensor.type != ir::DataType::kFloat32) {
      return No("input " + std::to_string(i) + ": " + ir::DataTypeName(tensor.type) +
                " (quantized tensors run on the CPU)");
    }
    auto dims = ToDims(tensor.shape);
    if (!dims.ok()) return No("input " + std::to_string(i) + ": " + dims.status().message());
  }
  if (const GpuOpFamily* family = FindGpuOpFamily(op)) return family->check({g, node});
  return No(std::string("op ") +
            (op == ir::OpType::kCustom ? "CUSTOM '" + node.custom_name + "'"
                                       : std::string(ir::OpTypeName(op))) +
            " has no GPU kernel");
}

}  // namespace vkd::gpu_delegate
