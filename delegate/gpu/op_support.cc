#include "delegate/gpu/op_support.h"

#include "delegate/gpu/program.h"

namespace vkd::gpu_delegate {

namespace {

partition::NodeVerdict No(std::string reason) { return {false, std::move(reason)}; }
partition::NodeVerdict Yes() { return {true, ""}; }

bool IsFloatConstantLike(const ir::Tensor& t) {
  if (!t.is_constant()) return false;
  if (t.type == ir::DataType::kFloat32 || t.type == ir::DataType::kFloat16) return true;
  // int8/uint8 weights of hybrid models: dequantized at upload.
  return (t.type == ir::DataType::kInt8 || t.type == ir::DataType::kUInt8) && !t.quant.empty();
}

// Every fused activation maps to a post-op (TANH/SIGN_BIT to none, as in
// TFLite's float kernels).
bool ActivationOk(ir::Activation) { return true; }

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

bool Broadcastable(const ir::Shape& a, const ir::Shape& out) {
  if (a.size() > out.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t d = a[a.size() - 1 - i], o = out[out.size() - 1 - i];
    if (d != 1 && d != o) return false;
  }
  return true;
}

}  // namespace

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
  auto input_shape = [&](int i) -> const ir::Shape& { return g.tensors[node.inputs[i]].shape; };
  auto weights_ok = [&](int i) {
    return i < static_cast<int>(node.inputs.size()) && node.inputs[i] != ir::kNoTensor &&
           (IsFloatConstantLike(g.tensors[node.inputs[i]]) || IsConstantLike(g, node.inputs[i]));
  };
  auto bias_ok = [&]() {
    return node.inputs.size() < 3 || node.inputs[2] == ir::kNoTensor || weights_ok(2);
  };

  switch (op) {
    case ir::OpType::kConv2d: {
      const auto* o = std::get_if<ir::Conv2DOptions>(&node.options);
      if (!o || !ActivationOk(o->activation)) return No("fused SIGN_BIT activation");
      if (!weights_ok(1) || !bias_ok()) return No("filter or bias is not constant");
      const ir::Shape& f = g.tensors[node.inputs[1]].shape;
      if (f.size() != 4 || input_shape(0).size() != 4 || f[3] != input_shape(0)[3]) {
        return No("grouped or non-4-D convolution");
      }
      return Yes();
    }
    case ir::OpType::kDepthwiseConv2d: {
      const auto* o = std::get_if<ir::DepthwiseConv2DOptions>(&node.options);
      if (!o || !ActivationOk(o->activation)) return No("fused SIGN_BIT activation");
      if (!weights_ok(1) || !bias_ok()) return No("filter or bias is not constant");
      const ir::Shape& f = g.tensors[node.inputs[1]].shape;
      if (f.size() != 4 || input_shape(0).size() != 4 || f[3] % input_shape(0)[3] != 0) {
        return No("filter channels are not a multiple of input channels");
      }
      return Yes();
    }
    case ir::OpType::kFullyConnected: {
      const auto* o = std::get_if<ir::FullyConnectedOptions>(&node.options);
      if (o && (!ActivationOk(o->activation) || o->shuffled_weights)) {
        return No("unsupported FULLY_CONNECTED options");
      }
      if (!weights_ok(1) || !bias_ok()) return No("weights or bias are not constant");
      const ir::Shape& w = g.tensors[node.inputs[1]].shape;
      if (w.size() != 2 || input_shape(0).empty() || input_shape(0).back() != w[1]) {
        return No("input's last dimension differs from the weights' (implicit flatten)");
      }
      return Yes();
    }
    case ir::OpType::kAveragePool2d:
    case ir::OpType::kMaxPool2d: {
      const auto* o = std::get_if<ir::Pool2DOptions>(&node.options);
      if (!o || !ActivationOk(o->activation)) return No("unsupported pool options");
      if (input_shape(0).size() != 4) return No("pool input is not 4-D");
      return Yes();
    }
    case ir::OpType::kMean: {
      const ir::Tensor& axes = g.tensors[node.inputs[1]];
      if (!axes.is_constant() || input_shape(0).size() != 4 || axes.type != ir::DataType::kInt32) {
        return No("MEAN needs constant int32 axes on a 4-D input");
      }
      bool h = false, w = false;
      for (int64_t i = 0; i < axes.num_elements(); ++i) {
        int a = axes.const_data<int32_t>()[i];
        if (a < 0) a += 4;
        if (a == 1)
          h = true;
        else if (a == 2)
          w = true;
        else
          return No("MEAN over axis " + std::to_string(a) + " (only spatial means on the GPU)");
      }
      if (!h || !w) return No("MEAN over only one spatial axis");
      return Yes();
    }
    case ir::OpType::kSoftmax:
      return Yes();
    case ir::OpType::kAdd:
    case ir::OpType::kSub:
    case ir::OpType::kMul:
    case ir::OpType::kDiv:
    case ir::OpType::kMaximum:
    case ir::OpType::kMinimum:
    case ir::OpType::kSquaredDifference:
    case ir::OpType::kPrelu: {
      if (node.inputs.size() != 2) return No("expected 2 inputs");
      if (const auto* o = std::get_if<ir::ElementwiseOptions>(&node.options)) {
        if (!ActivationOk(o->activation)) return No("fused SIGN_BIT activation");
      }
      const ir::Shape& out = g.tensors[node.outputs[0]].shape;
      for (int i = 0; i < 2; ++i) {
        const ir::Tensor& t = g.tensors[node.inputs[i]];
        if (t.is_constant() && t.type != ir::DataType::kFloat32) {
          return No("constant input " + std::to_string(i) + " is not float32");
        }
        if (!Broadcastable(t.shape, out)) return No("broadcast beyond 4-D");
      }
      // The value the kernel loads must cover the output (operand 0 is
      // loaded with broadcasting; the post-op operand too).
      return Yes();
    }
    case ir::OpType::kRelu:
    case ir::OpType::kRelu6:
    case ir::OpType::kReluN1To1:
    case ir::OpType::kTanh:
    case ir::OpType::kLogistic:
    case ir::OpType::kHardSwish:
    case ir::OpType::kLeakyRelu:
      return Yes();
    case ir::OpType::kReshape:
    case ir::OpType::kSqueeze: {
      const ir::Shape& in = input_shape(0);
      const ir::Shape& out = g.tensors[node.outputs[0]].shape;
      if (in.empty() || out.empty() || in.back() != out.back()) {
        return No("reshape that changes the channel dimension");
      }
      return Yes();
    }
    case ir::OpType::kPad:
    case ir::OpType::kPadv2: {
      // Folded into the conv that reads it (program_builder.cc: TryFoldPad).
      const int out = node.outputs[0];
      int readers = 0, conv_reader = -1;
      for (size_t m = 0; m < g.nodes.size(); ++m) {
        for (int t : g.nodes[m].inputs) {
          if (t == out) {
            ++readers;
            conv_reader = static_cast<int>(m);
          }
        }
      }
      const ir::Tensor& pads = g.tensors[node.inputs[1]];
      if (readers != 1 || !pads.is_constant() || pads.num_elements() != 8 ||
          (g.nodes[conv_reader].op != ir::OpType::kConv2d &&
           g.nodes[conv_reader].op != ir::OpType::kDepthwiseConv2d)) {
        return No("PAD not followed by a convolution it can fold into");
      }
      auto pad = [&](int i) -> int64_t {
        return pads.type == ir::DataType::kInt64 ? pads.const_data<int64_t>()[i]
                                                 : pads.const_data<int32_t>()[i];
      };
      if (pad(0) || pad(1) || pad(6) || pad(7) || pad(2) < 0 || pad(3) < 0 || pad(4) < 0 ||
          pad(5) < 0) {
        return No("PAD of batch or channels");
      }
      if (op == ir::OpType::kPadv2 && node.inputs.size() > 2 && node.inputs[2] != ir::kNoTensor) {
        const ir::Tensor& v = g.tensors[node.inputs[2]];
        if (!v.is_constant() || v.type != ir::DataType::kFloat32 ||
            v.const_data<float>()[0] != 0.0f) {
          return No("PADV2 with a non-zero value");
        }
      }
      return Yes();
    }
    default:
      break;
  }
  return No(std::string("op ") +
            (op == ir::OpType::kCustom ? "CUSTOM '" + node.custom_name + "'"
                                       : std::string(ir::OpTypeName(op))) +
            " has no GPU kernel");
}

}  // namespace vkd::gpu_delegate
