#include "delegate/tflite/context_graph.h"

#include <algorithm>

#include "delegate/tflite/tflite_types.h"
#include "model/codec/op_options_codec.h"

namespace vkd::tflite_glue {
namespace {

std::vector<int32_t> ToVector(const TfLiteIntArray* a) {
  if (!a) return {};
  return std::vector<int32_t>(a->data, a->data + a->size);
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
    if (!codec::OptionsFromBuiltinData(n.op, node->builtin_data, &n.options)) {
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
