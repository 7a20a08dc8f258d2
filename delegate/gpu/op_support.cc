#include "delegate/gpu/op_support.h"

#include "delegate/gpu/program.h"

namespace vkd::gpu_delegate {

namespace {

// The concat kernel binds each input as a buffer of its own, plus the
// output and fused operands. Vulkan guarantees only 4 storage buffers per
// stage, desktop and most mobile drivers allow far more; on a device with
// fewer, pipeline creation fails naming the limit and the model runs on
// the CPU.
constexpr size_t kMaxConcatInputs = 8;

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
      // An input whose last dimension is not K is flattened into rows of K
      // (a reshape_copy kernel first when padding lanes get in the way).
      if (w.size() != 2 || w[1] <= 0 || input_shape(0).empty() ||
          ir::NumElements(input_shape(0)) % w[1] != 0) {
        return No("input does not flatten into rows of the weights' input size");
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
    case ir::OpType::kSqueeze:
      // Keeping the channel count: a view (no kernel). Otherwise a
      // reshape_copy kernel.
      return Yes();
    case ir::OpType::kPad:
    case ir::OpType::kPadv2: {
      // Folded into the conv that reads it when possible
      // (program_builder.cc: TryFoldPad), else a pad kernel.
      const ir::Tensor& pads = g.tensors[node.inputs[1]];
      const int rank = static_cast<int>(input_shape(0).size());
      if (!pads.is_constant() || pads.num_elements() != 2 * rank ||
          (pads.type != ir::DataType::kInt32 && pads.type != ir::DataType::kInt64)) {
        return No("paddings are not a constant INT32/INT64 [rank, 2]");
      }
      for (int i = 0; i < 2 * rank; ++i) {
        const int64_t p = pads.type == ir::DataType::kInt64 ? pads.const_data<int64_t>()[i]
                                                            : pads.const_data<int32_t>()[i];
        if (p < 0) return No("negative padding");
      }
      if (op == ir::OpType::kPadv2 && node.inputs.size() > 2 && node.inputs[2] != ir::kNoTensor) {
        const ir::Tensor& v = g.tensors[node.inputs[2]];
        if (!v.is_constant() || v.type != ir::DataType::kFloat32 || v.num_elements() != 1) {
          return No("PADV2 value is not a constant float32 scalar");
        }
      }
      return Yes();
    }
    case ir::OpType::kConcatenation: {
      if (node.inputs.empty() || node.inputs.size() > kMaxConcatInputs) {
        return No("CONCATENATION of " + std::to_string(node.inputs.size()) + " inputs (1.." +
                  std::to_string(kMaxConcatInputs) + " on the GPU)");
      }
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        if (node.inputs[i] == ir::kNoTensor ||
            g.tensors[node.inputs[i]].type != ir::DataType::kFloat32) {
          return No("input " + std::to_string(i) + " is missing or not float32");
        }
      }
      const auto* o = std::get_if<ir::ConcatenationOptions>(&node.options);
      const int rank = static_cast<int>(g.tensors[node.outputs[0]].shape.size());
      const int axis = o ? (o->axis < 0 ? o->axis + rank : o->axis) : 0;
      // Concatenating along a leading dimension of a rank-5+ shape makes
      // it larger than 1, which the output check above already refused.
      if (axis < 0 || axis >= rank) return No("axis out of range");
      return Yes();
    }
    case ir::OpType::kResizeBilinear:
    case ir::OpType::kResizeNearestNeighbor: {
      const ir::Tensor& size = g.tensors[node.inputs[1]];
      if (input_shape(0).size() != 4 || !size.is_constant() || size.type != ir::DataType::kInt32 ||
          size.num_elements() != 2) {
        return No("needs a 4-D input and a constant INT32 [2] size");
      }
      const auto* o = std::get_if<ir::ResizeOptions>(&node.options);
      if (op == ir::OpType::kResizeBilinear && o && o->align_corners && o->half_pixel_centers) {
        return No("half_pixel_centers with align_corners (TFLite rejects it)");
      }
      return Yes();
    }
    case ir::OpType::kStridedSlice: {
      const auto* o = std::get_if<ir::StridedSliceOptions>(&node.options);
      if (o && (o->ellipsis_mask || o->new_axis_mask || o->shrink_axis_mask)) {
        return No("STRIDED_SLICE with an ellipsis, new-axis or shrink-axis mask");
      }
      const int rank = static_cast<int>(input_shape(0).size());
      if (rank < 1 || rank > 4 || node.inputs.size() != 4) return No("input rank outside 1..4");
      for (int i = 1; i < 4; ++i) {
        const ir::Tensor& t = g.tensors[node.inputs[i]];
        if (!t.is_constant() || t.type != ir::DataType::kInt32 || t.num_elements() != rank) {
          return No("begin, end and strides must be constant INT32 [rank]");
        }
      }
      const int32_t* strides = g.tensors[node.inputs[3]].const_data<int32_t>();
      for (int d = 0; d < rank; ++d) {
        if (strides[d] == 0) return No("zero stride");
      }
      return Yes();
    }
    case ir::OpType::kTransposeConv: {
      if (node.inputs.size() < 3 || node.inputs.size() > 4) return No("expected 3 or 4 inputs");
      const ir::Tensor& out_shape = g.tensors[node.inputs[0]];
      if (!out_shape.is_constant() || out_shape.type != ir::DataType::kInt32 ||
          out_shape.num_elements() != 4) {
        return No("output_shape is not a constant INT32 [4]");
      }
      // float32 only (constant, or DEQUANTIZE of a constant): the CPU kernel
      // that propagates shapes has no hybrid int8 form.
      auto float_constant = [&](int t) {
        return g.tensors[t].type == ir::DataType::kFloat32 && IsConstantLike(g, t);
      };
      if (!float_constant(node.inputs[1])) return No("weights are not constant float32");
      if (node.inputs.size() > 3 && node.inputs[3] != ir::kNoTensor &&
          !float_constant(node.inputs[3])) {
        return No("bias is not constant float32");
      }
      const ir::Shape& f = g.tensors[node.inputs[1]].shape;
      if (f.size() != 4 || input_shape(2).size() != 4 || f[3] != input_shape(2)[3]) {
        return No("weights do not match the 4-D input's channels");
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
