#include "delegate/tflite/context_graph.h"

#include <algorithm>

#include "delegate/tflite/builtin_params.h"
#include "delegate/tflite/tflite_types.h"

namespace vkd::tflite_glue {
namespace {

std::vector<int32_t> ToVector(const TfLiteIntArray* a) {
  if (!a) return {};
  return std::vector<int32_t>(a->data, a->data + a->size);
}

// abi::Padding -> ir::Padding. UNKNOWN (an options-less model) is SAME,
// TFLite's parser default.
ir::Padding ToPadding(abi::Padding p) {
  return p == abi::kPaddingValid ? ir::Padding::kValid : ir::Padding::kSame;
}

// Activations past SIGN_BIT (SIGMOID) have no IR value; no builtin op
// stores one, so such a node is left to the host.
bool ToActivation(abi::FusedActivation a, ir::Activation* out) {
  if (a < 0 || a > static_cast<int>(ir::Activation::kSignBit)) return false;
  *out = static_cast<ir::Activation>(a);
  return true;
}

// The IR options of a node from TFLite's builtin_data; false when they
// cannot be represented (the node then stays on the host).
bool ConvertOptions(ir::OpType op, const void* data, ir::OpOptions* out) {
  *out = ir::DefaultOptions(op);
  if (!data) return true;
  bool ok = true;
  switch (op) {
    case ir::OpType::kConv2d: {
      auto* p = static_cast<const abi::ConvParams*>(data);
      ir::Conv2DOptions o;
      o.padding = ToPadding(p->padding);
      o.stride_w = p->stride_width;
      o.stride_h = p->stride_height;
      o.dilation_w = p->dilation_width_factor;
      o.dilation_h = p->dilation_height_factor;
      ok = ToActivation(p->activation, &o.activation);
      *out = o;
      break;
    }
    case ir::OpType::kDepthwiseConv2d: {
      auto* p = static_cast<const abi::DepthwiseConvParams*>(data);
      ir::DepthwiseConv2DOptions o;
      o.padding = ToPadding(p->padding);
      o.stride_w = p->stride_width;
      o.stride_h = p->stride_height;
      o.dilation_w = p->dilation_width_factor;
      o.dilation_h = p->dilation_height_factor;
      o.depth_multiplier = p->depth_multiplier;
      ok = ToActivation(p->activation, &o.activation);
      *out = o;
      break;
    }
    case ir::OpType::kTransposeConv: {
      auto* p = static_cast<const abi::TransposeConvParams*>(data);
      ir::TransposeConvOptions o;
      o.padding = ToPadding(p->padding);
      o.stride_w = p->stride_width;
      o.stride_h = p->stride_height;
      *out = o;
      break;
    }
    case ir::OpType::kAveragePool2d:
    case ir::OpType::kMaxPool2d:
    case ir::OpType::kL2Pool2d: {
      auto* p = static_cast<const abi::PoolParams*>(data);
      ir::Pool2DOptions o;
      o.padding = ToPadding(p->padding);
      o.stride_w = p->stride_width;
      o.stride_h = p->stride_height;
      o.filter_w = p->filter_width;
      o.filter_h = p->filter_height;
      ok = ToActivation(p->activation, &o.activation);
      *out = o;
      break;
    }
    case ir::OpType::kFullyConnected: {
      auto* p = static_cast<const abi::FullyConnectedParams*>(data);
      ir::FullyConnectedOptions o;
      ok = ToActivation(p->activation, &o.activation);
      o.shuffled_weights = p->weights_format != 0;
      o.keep_num_dims = p->keep_num_dims;
      o.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs;
      *out = o;
      break;
    }
    case ir::OpType::kAdd:
    case ir::OpType::kSub: {
      auto* p = static_cast<const abi::AddSubParams*>(data);
      ir::ElementwiseOptions o;
      ok = ToActivation(p->activation, &o.activation);
      o.pot_scale_int16 = p->pot_scale_int16;
      *out = o;
      break;
    }
    case ir::OpType::kMul:
    case ir::OpType::kDiv: {
      auto* p = static_cast<const abi::ActivationOnlyParams*>(data);
      ir::ElementwiseOptions o;
      ok = ToActivation(p->activation, &o.activation);
      *out = o;
      break;
    }
    case ir::OpType::kConcatenation: {
      auto* p = static_cast<const abi::ConcatenationParams*>(data);
      ir::ConcatenationOptions o;
      o.axis = p->axis;
      ok = ToActivation(p->activation, &o.activation);
      *out = o;
      break;
    }
    case ir::OpType::kReshape: {
      auto* p = static_cast<const abi::ReshapeParams*>(data);
      ir::ReshapeOptions o;
      if (p->num_dimensions > 0 && p->num_dimensions <= abi::kMaxReshapeDims) {
        o.new_shape.assign(p->shape, p->shape + p->num_dimensions);
        o.has_new_shape = true;
      }
      *out = o;
      break;
    }
    case ir::OpType::kSoftmax:
      *out = ir::SoftmaxOptions{static_cast<const abi::SoftmaxParams*>(data)->beta};
      break;
    case ir::OpType::kMean:
    case ir::OpType::kSum:
    case ir::OpType::kReduceMax:
    case ir::OpType::kReduceMin:
    case ir::OpType::kReduceProd:
      *out = ir::ReducerOptions{static_cast<const abi::ReducerParams*>(data)->keep_dims};
      break;
    case ir::OpType::kSqueeze: {
      auto* p = static_cast<const abi::SqueezeParams*>(data);
      ir::SqueezeOptions o;
      const int n = std::clamp(p->num_squeeze_dims, 0, 8);
      o.squeeze_dims.assign(p->squeeze_dims, p->squeeze_dims + n);
      *out = o;
      break;
    }
    case ir::OpType::kSplit:
      *out = ir::SplitOptions{static_cast<const abi::SplitParams*>(data)->num_splits};
      break;
    case ir::OpType::kStridedSlice: {
      auto* p = static_cast<const abi::StridedSliceParams*>(data);
      ir::StridedSliceOptions o;
      o.begin_mask = p->begin_mask;
      o.end_mask = p->end_mask;
      o.ellipsis_mask = p->ellipsis_mask;
      o.new_axis_mask = p->new_axis_mask;
      o.shrink_axis_mask = p->shrink_axis_mask;
      *out = o;
      break;
    }
    case ir::OpType::kCast: {
      auto* p = static_cast<const abi::CastParams*>(data);
      auto in = FromTfLiteType(p->in_data_type), o = FromTfLiteType(p->out_data_type);
      ok = in.has_value() && o.has_value();
      if (ok) *out = ir::CastOptions{*in, *o};
      break;
    }
    case ir::OpType::kArgMax: {
      auto t = FromTfLiteType(static_cast<const abi::ArgMaxParams*>(data)->output_type);
      ok = t.has_value();
      if (ok) *out = ir::ArgMaxOptions{*t};
      break;
    }
    case ir::OpType::kPack: {
      auto* p = static_cast<const abi::PackParams*>(data);
      *out = ir::PackOptions{p->values_count, p->axis};
      break;
    }
    case ir::OpType::kUnpack: {
      auto* p = static_cast<const abi::UnpackParams*>(data);
      *out = ir::UnpackOptions{p->num, p->axis};
      break;
    }
    case ir::OpType::kResizeBilinear:
    case ir::OpType::kResizeNearestNeighbor: {
      auto* p = static_cast<const abi::ResizeParams*>(data);
      *out = ir::ResizeOptions{p->align_corners, p->half_pixel_centers};
      break;
    }
    case ir::OpType::kLeakyRelu:
      *out = ir::LeakyReluOptions{static_cast<const abi::LeakyReluParams*>(data)->alpha};
      break;
    default:
      // Options of an op the IR keeps none for: harmless unless the op is
      // one the GPU takes, and every such op is listed above.
      break;
  }
  return ok;
}

void ReadQuantization(const TfLiteTensor& t, ir::Quantization* q) {
  if (t.quantization.type == kTfLiteAffineQuantization && t.quantization.params) {
    auto* a = static_cast<const TfLiteAffineQuantization*>(t.quantization.params);
    if (a->scale) q->scale.assign(a->scale->data, a->scale->data + a->scale->size);
    if (a->zero_point) {
      q->zero_point.assign(a->zero_point->data, a->zero_point->data + a->zero_point->size);
    }
    q->quantized_dimension = a->quantized_dimension;
  } else if (t.params.scale != 0.0f) {
    q->scale = {t.params.scale};
    q->zero_point = {t.params.zero_point};
  }
}

}  // namespace

int ContextGraph::ViewNode(int tflite_index) const {
  auto it = std::find(tflite_node.begin(), tflite_node.end(), tflite_index);
  return it == tflite_node.end() ? -1 : static_cast<int>(it - tflite_node.begin());
}

StatusOr<std::shared_ptr<ContextGraph>> BuildContextGraph(TfLiteContext* context) {
  auto view = std::make_shared<ContextGraph>();
  ir::Graph& g = view->graph;
  std::vector<bool> unreadable_tensor(context->tensors_size, false);
  std::vector<bool> dynamic_tensor(context->tensors_size, false);
  g.tensors.resize(context->tensors_size);
  for (size_t i = 0; i < context->tensors_size; ++i) {
    const TfLiteTensor& src = context->tensors[i];
    ir::Tensor& t = g.tensors[i];
    t.name = src.name ? src.name : "";
    auto type = FromTfLiteType(src.type);
    unreadable_tensor[i] = !type.has_value();
    t.type = type.value_or(ir::DataType::kString);
    t.shape = ToVector(src.dims);
    t.shape_signature = ToVector(src.dims_signature);
    ReadQuantization(src, &t.quant);
    t.is_variable = src.is_variable;
    dynamic_tensor[i] = src.allocation_type == kTfLiteDynamic;
    if (src.allocation_type == kTfLiteMmapRo && src.data.raw) {
      t.data = reinterpret_cast<const uint8_t*>(src.data.raw_const);
      t.data_bytes = src.bytes;
    }
  }

  TfLiteIntArray* plan = nullptr;
  if (context->GetExecutionPlan(context, &plan) != kTfLiteOk || !plan) {
    return InternalError("TFLite GetExecutionPlan failed");
  }
  // GetExecutionPlan's array is invalidated by later calls: copy it first.
  const std::vector<int32_t> order = ToVector(plan);
  std::vector<bool> produced(context->tensors_size, false), consumed(context->tensors_size, false);
  for (int index : order) {
    TfLiteNode* node = nullptr;
    TfLiteRegistration* reg = nullptr;
    if (context->GetNodeAndRegistration(context, index, &node, &reg) != kTfLiteOk) {
      return InternalError("TFLite GetNodeAndRegistration failed for node " +
                           std::to_string(index));
    }
    ir::Node n;
    n.op = static_cast<ir::OpType>(reg->builtin_code);
    n.version = reg->version;
    if (reg->custom_name) n.custom_name = reg->custom_name;
    n.inputs = ToVector(node->inputs);
    n.outputs = ToVector(node->outputs);
    std::string reason;
    if (!ConvertOptions(n.op, node->builtin_data, &n.options)) {
      reason = "options the delegate cannot read";
    }
    for (const auto* list : {&n.inputs, &n.outputs}) {
      for (int t : *list) {
        if (t == ir::kNoTensor) continue;
        if (t < 0 || t >= static_cast<int>(context->tensors_size)) {
          return InternalError("node " + std::to_string(index) + " names tensor " +
                               std::to_string(t) + " of " +
                               std::to_string(context->tensors_size));
        }
        if (reason.empty() && dynamic_tensor[t]) {
          reason = "dynamic tensor " + std::to_string(t) + " (shape known only while running)";
        }
        if (reason.empty() && unreadable_tensor[t]) {
          reason = "tensor " + std::to_string(t) + " of TfLiteType " +
                   std::to_string(static_cast<int>(context->tensors[t].type));
        }
      }
    }
    for (int t : n.inputs) {
      if (t != ir::kNoTensor) consumed[t] = true;
    }
    for (int t : n.outputs) produced[t] = true;
    g.nodes.push_back(std::move(n));
    view->tflite_node.push_back(index);
    view->host_reason.push_back(std::move(reason));
  }
  // TFLite does not expose the interpreter's inputs and outputs to a
  // delegate; these stand-ins only feed the partition plan's bookkeeping.
  // TfLiteDelegateParams carries the real boundary of every subset.
  for (size_t t = 0; t < context->tensors_size; ++t) {
    if (consumed[t] && !produced[t] && !g.tensors[t].is_constant()) {
      g.inputs.push_back(static_cast<int32_t>(t));
    }
    if (produced[t] && !consumed[t]) g.outputs.push_back(static_cast<int32_t>(t));
  }
  return view;
}

}  // namespace vkd::tflite_glue
