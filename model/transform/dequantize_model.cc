#include "model/transform/dequantize_model.h"

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "model/ir/dequantize.h"

namespace vkd::transform {
namespace {

using ir::DataType;

bool IsConvertibleType(DataType type) {
  return type == DataType::kUInt8 || type == DataType::kInt8 || type == DataType::kInt16 ||
         type == DataType::kInt32 || type == DataType::kInt64;
}

Status CheckScales(const ir::Quantization& quant, bool need_positive) {
  for (size_t c = 0; c < quant.scale.size(); ++c) {
    const float s = quant.scale[c];
    if (!std::isfinite(s) || s < 0 || (need_positive && s == 0)) {
      return InvalidArgumentError("scale[" + std::to_string(c) + "] = " + std::to_string(s) +
                                  " is not a valid quantization scale");
    }
  }
  return Status::Ok();
}

// The tensor whose id `t` now stands for, after identity nodes merged tensors.
int32_t Resolve(const std::vector<int32_t>& alias, int32_t t) {
  while (t != ir::kNoTensor && alias[t] != t) t = alias[t];
  return t;
}

// The target shape of the RESHAPE that replaces an identity node whose ends
// must both stay: the output's signature when it has one dynamic dimension
// (so a resized batch still works), else its static shape.
std::vector<int32_t> IdentityReshapeTarget(const ir::Tensor& out) {
  int dynamic = 0;
  for (int32_t d : out.shape_signature) dynamic += d < 0;
  if (dynamic == 1 && out.shape_signature.size() == out.shape.size()) return out.shape_signature;
  return out.shape;
}

// 1. Tensors. Only quantized tensors change; an unquantized integer tensor
// (a shape, an axis, an index) means its integer value. `changed` marks the
// tensors that became float.
Status FloatTensors(const ir::Graph& src, ir::Graph* out, std::vector<bool>* changed) {
  ir::Graph& graph = *out;
  const int num_tensors = static_cast<int>(src.tensors.size());
  changed->assign(num_tensors, false);
  for (int t = 0; t < num_tensors; ++t) {
    ir::Tensor& tensor = graph.tensors[t];
    if (tensor.quant.empty() || tensor.type == DataType::kFloat32 ||
        tensor.type == DataType::kFloat16 || tensor.type == DataType::kFloat64) {
      continue;
    }
    const std::string label = ir::TensorLabel(src, t);
    if (tensor.is_constant()) {
      if (!IsConvertibleType(tensor.type)) {
        return UnimplementedError(label + ": quantized constant of this type unsupported");
      }
      auto values = ir::DequantizeValues(tensor.type, tensor.shape, tensor.quant, tensor.data,
                                         tensor.data_bytes);
      if (!values.ok()) return values.status().WithContext(label);
      auto owned = std::make_shared<std::vector<float>>(std::move(values).value());
      tensor.data = owned->empty() ? nullptr : reinterpret_cast<const uint8_t*>(owned->data());
      tensor.data_bytes = owned->size() * sizeof(float);
      graph.keep_alive.push_back(owned);
    } else {
      if (tensor.type != DataType::kUInt8 && tensor.type != DataType::kInt8) {
        // int16 activations (16x8 models) and quantized int32 activations have
        // real values too, but their kernels' rescaling is out of scope.
        return UnimplementedError(label + ": quantized " + ir::DataTypeName(tensor.type) +
                                  " activations unsupported (only UINT8 and INT8)");
      }
      VKD_RETURN_IF_ERROR_CTX(CheckScales(tensor.quant, /*need_positive=*/true), label);
    }
    tensor.type = DataType::kFloat32;
    tensor.quant = {};
    (*changed)[t] = true;
  }
  return Status::Ok();
}

// 2. Nodes that touch a changed tensor must mean the same thing on floats.
Status CheckValueSemantics(const ir::Graph& src, const std::vector<bool>& changed) {
  const int num_tensors = static_cast<int>(src.tensors.size());
  for (int n = 0; n < static_cast<int>(src.nodes.size()); ++n) {
    const ir::Node& node = src.nodes[n];
    if (IsValueSemanticOp(node.op)) continue;
    auto check = [&](const std::vector<int32_t>& ids, const char* role) -> Status {
      for (size_t i = 0; i < ids.size(); ++i) {
        const int32_t t = ids[i];
        if (t >= 0 && t < num_tensors && changed[t]) {
          return UnimplementedError(ir::NodeLabel(src, n) + ": " + role + " " + std::to_string(i) +
                                    " " + ir::TensorLabel(src, t) +
                                    " is quantized, and this op's quantized result has no "
                                    "float equivalent here");
        }
      }
      return Status::Ok();
    };
    VKD_RETURN_IF_ERROR(check(node.inputs, "input"));
    VKD_RETURN_IF_ERROR(check(node.outputs, "output"));
  }
  return Status::Ok();
}

}  // namespace

// Ops outside the list (CAST, EMBEDDING_LOOKUP, LSTM, ...) either see raw
// integers or carry quantization-specific state.
bool IsValueSemanticOp(ir::OpType op) {
  using ir::OpType;
  switch (op) {
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
    case OpType::kAddN:
    case OpType::kSquaredDifference:
    case OpType::kMaximum:
    case OpType::kMinimum:
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
    case OpType::kTransposeConv:
    case OpType::kFullyConnected:
    case OpType::kBatchMatmul:
    case OpType::kAveragePool2d:
    case OpType::kMaxPool2d:
    case OpType::kL2Pool2d:
    case OpType::kMean:
    case OpType::kSum:
    case OpType::kReduceMax:
    case OpType::kReduceMin:
    case OpType::kReduceProd:
    case OpType::kSoftmax:
    case OpType::kLogSoftmax:
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReluN1To1:
    case OpType::kLeakyRelu:
    case OpType::kPrelu:
    case OpType::kHardSwish:
    case OpType::kElu:
    case OpType::kGelu:
    case OpType::kL2Normalization:
    case OpType::kSquare:
    case OpType::kSqrt:
    case OpType::kRsqrt:
    case OpType::kAbs:
    case OpType::kNeg:
    case OpType::kExp:
    case OpType::kLog:
    case OpType::kSin:
    case OpType::kCos:
    case OpType::kFloor:
    case OpType::kCeil:
    case OpType::kRound:
    case OpType::kPow:
    case OpType::kQuantize:
    case OpType::kDequantize:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kExpandDims:
    case OpType::kTranspose:
    case OpType::kConcatenation:
    case OpType::kPack:
    case OpType::kUnpack:
    case OpType::kSplit:
    case OpType::kSplitV:
    case OpType::kSlice:
    case OpType::kStridedSlice:
    case OpType::kGather:
    case OpType::kGatherNd:
    case OpType::kPad:
    case OpType::kPadv2:
    case OpType::kMirrorPad:
    case OpType::kTile:
    case OpType::kBroadcastTo:
    case OpType::kReverseV2:
    case OpType::kDepthToSpace:
    case OpType::kSpaceToDepth:
    case OpType::kBatchToSpaceNd:
    case OpType::kSpaceToBatchNd:
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
    case OpType::kArgMax:
    case OpType::kArgMin:
    case OpType::kLess:
    case OpType::kLessEqual:
    case OpType::kGreater:
    case OpType::kGreaterEqual:
    case OpType::kEqual:
    case OpType::kNotEqual:
    case OpType::kSelect:
    case OpType::kSelectV2:
    case OpType::kShape:
    case OpType::kRank:
      return true;
    default:
      return false;
  }
}

StatusOr<DequantizedModel> DequantizeModel(const ir::Graph& quant_graph,
                                           const DequantizeModelOptions& options) {
  const ir::Graph& src = quant_graph;
  const int num_tensors = static_cast<int>(src.tensors.size());
  for (int32_t t : src.inputs) {
    VKD_CHECK_ARG(t >= 0 && t < num_tensors, "graph input " + std::to_string(t) + " out of range");
  }
  for (int32_t t : src.outputs) {
    VKD_CHECK_ARG(t >= 0 && t < num_tensors, "graph output " + std::to_string(t) + " out of range");
  }

  DequantizedModel result;
  for (int32_t t : src.inputs) {
    result.input_types.push_back(src.tensors[t].type);
    result.input_quant.push_back(src.tensors[t].quant);
  }
  for (int32_t t : src.outputs) {
    result.output_types.push_back(src.tensors[t].type);
    result.output_quant.push_back(src.tensors[t].quant);
  }
  ir::Graph& graph = result.graph;
  graph = src;

  // 1. Tensors; 2. the nodes that touch them.
  std::vector<bool> changed;
  VKD_RETURN_IF_ERROR(FloatTensors(src, &graph, &changed));
  if (!options.allow_unlisted_ops) VKD_RETURN_IF_ERROR(CheckValueSemantics(src, changed));

  // 3. QUANTIZE/DEQUANTIZE between two FLOAT32 tensors are identities. Merge
  // their ends: keep the input id unless the output is pinned (a graph
  // input/output must keep its id); then keep the output id and let the
  // input's producer write it directly. When neither end can go, a RESHAPE
  // to the same shape stands in.
  std::vector<bool> pinned(num_tensors, false);
  for (int32_t t : graph.inputs) pinned[t] = true;
  for (int32_t t : graph.outputs) pinned[t] = true;
  std::vector<int32_t> alias(num_tensors);
  for (int t = 0; t < num_tensors; ++t) alias[t] = t;
  std::vector<ir::Node> kept;
  kept.reserve(graph.nodes.size());
  for (int n = 0; n < static_cast<int>(graph.nodes.size()); ++n) {
    ir::Node& node = graph.nodes[n];
    const bool is_convert = node.op == ir::OpType::kQuantize || node.op == ir::OpType::kDequantize;
    if (!is_convert) {
      kept.push_back(std::move(node));
      continue;
    }
    if (node.inputs.size() != 1 || node.outputs.size() != 1 || node.inputs[0] < 0 ||
        node.inputs[0] >= num_tensors || node.outputs[0] < 0 || node.outputs[0] >= num_tensors) {
      return InvalidArgumentError(ir::NodeLabel(src, n) + ": expected 1 input and 1 output");
    }
    const int32_t x = Resolve(alias, node.inputs[0]);
    const int32_t y = Resolve(alias, node.outputs[0]);
    const ir::Tensor& xt = graph.tensors[x];
    const ir::Tensor& yt = graph.tensors[y];
    if (xt.type != DataType::kFloat32 || yt.type != DataType::kFloat32) {
      // E.g. DEQUANTIZE of float16 weights: a real conversion, kept.
      kept.push_back(std::move(node));
      continue;
    }
    if (!pinned[y] && !options.keep_every_node) {
      alias[y] = x;
    } else if (!pinned[x] && !xt.is_constant() && !xt.is_variable && !options.keep_every_node) {
      alias[x] = y;
    } else {
      const std::vector<int32_t> target = IdentityReshapeTarget(yt);
      auto owned = std::make_shared<std::vector<int32_t>>(target);
      ir::Tensor shape;
      shape.name = yt.name + "/identity_shape";
      shape.type = DataType::kInt32;
      shape.shape = {static_cast<int32_t>(target.size())};
      shape.data = reinterpret_cast<const uint8_t*>(owned->data());
      shape.data_bytes = owned->size() * sizeof(int32_t);
      // A rank-0 output has no shape values; the RESHAPE then reads the option.
      if (owned->empty()) shape.data = nullptr;
      graph.keep_alive.push_back(owned);
      ir::Node reshape;
      reshape.op = ir::OpType::kReshape;
      reshape.inputs = {x};
      if (shape.data != nullptr) {
        graph.tensors.push_back(std::move(shape));
        reshape.inputs.push_back(static_cast<int32_t>(graph.tensors.size()) - 1);
      }
      reshape.outputs = {y};
      ir::ReshapeOptions ro;
      ro.new_shape = target;
      ro.has_new_shape = true;
      reshape.options = ro;
      kept.push_back(std::move(reshape));
    }
  }
  graph.nodes = std::move(kept);
  for (ir::Node& node : graph.nodes) {
    for (int32_t& t : node.inputs) {
      if (t >= 0 && t < num_tensors) t = Resolve(alias, t);
    }
    for (int32_t& t : node.outputs) {
      if (t >= 0 && t < num_tensors) t = Resolve(alias, t);
    }
  }
  return result;
}

}  // namespace vkd::transform
