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
OpOptions DefaultOptions(OpType op) {
  switch (op) {
    case OpType::kConv2d:
      return Conv2DOptions{};
    case OpType::kDepthwiseConv2d:
      return DepthwiseConv2DOptions{};
    case OpType::kTransposeConv:
      return TransposeConvOptions{};
    case OpType::kAveragePool2d:
    case OpType::kMaxPool2d:
      return Pool2DOptions{};
    case OpType::kFullyConnected:
      return FullyConnectedOptions{};
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
      return ElementwiseOptions{};
    case OpType::kConcatenation:
      return ConcatenationOptions{};
    case OpType::kReshape:
      return ReshapeOptions{};
    case OpType::kSoftmax:
      return SoftmaxOptions{};
    case OpType::kMean:
    case OpType::kSum:
      return ReducerOptions{};
    case OpType::kUnidirectionalSequenceLstm:
      return UnidirectionalSequenceLstmOptions{};
    case OpType::kSvdf:
      return SvdfOptions{};
    case OpType::kGather:
      return GatherOptions{};
    default:
      return std::monostate{};
  }
}

}  // namespace vkd::ir
