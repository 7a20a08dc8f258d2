#include "model/ir/graph.h"

namespace vkd::ir {

const char* ActivationName(Activation a) {
  switch (a) {
    case Activation::kNone:
      return "NONE";
    case Activation::kRelu:
      return "RELU";
    case Activation::kReluN1To1:
      return "RELU_N1_TO_1";
    case Activation::kRelu6:
      return "RELU6";
    case Activation::kTanh:
      return "TANH";
    case Activation::kSignBit:
      return "SIGN_BIT";
  }
  return "UNKNOWN_ACTIVATION";
}

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

bool CheckedNumElements(const Shape& shape, int64_t* count) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && n > kMaxElements / d) return false;
    n *= d;
  }
  *count = n;
  return true;
}

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

const Tensor& AbsentTensor() {
  // Never destroyed: kernels may read it during static destruction.
  static const Tensor* const absent = [] {
    auto* t = new Tensor();
    t->name = "(absent)";
    t->type = DataType::kString;
    return t;
  }();
  return *absent;
}

std::string NodeLabel(const Graph& graph, int node_index) {
  std::string s = "node " + std::to_string(node_index);
  if (node_index >= 0 && node_index < static_cast<int>(graph.nodes.size())) {
    const Node& node = graph.nodes[node_index];
    s += " " +
         (node.op == OpType::kCustom ? "CUSTOM '" + node.custom_name + "'" : OpTypeName(node.op));
  }
  return s;
}

std::string TensorLabel(const Graph& graph, int tensor_index) {
  std::string s = "tensor " + std::to_string(tensor_index);
  if (tensor_index >= 0 && tensor_index < static_cast<int>(graph.tensors.size())) {
    const Tensor& t = graph.tensors[tensor_index];
    s += " '" + t.name + "' " + DataTypeName(t.type) + " " + ShapeToString(t.shape);
  }
  return s;
}

// Options of the op's family when the model stored none, so kernels always
// find the right struct (TFLite's parser does the same with its defaults).
// The family comes from the op table (op_types.def).
OpOptions DefaultOptions(OpType op) {
  using NoOptions = std::monostate;
  switch (op) {
#define VKD_OP(name, tfl_name, code, options) \
  case OpType::name:                          \
    return options{};
#include "model/ir/op_types.def"
#undef VKD_OP
  }
  return std::monostate{};
}

}  // namespace vkd::ir
