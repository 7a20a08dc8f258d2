// FULLY_CONNECTED: float, and hybrid (float input, constant int8 weights,
// float bias and output) as TFLite 2.9's EvalHybrid runs it: each input row is
// quantized on its own, symmetrically or, with asymmetric_quantize_inputs,
// with a zero point; out = act(bias + acc * (in_scale * weights_scale)).
// The float kernel clamps to CalculateActivationRange and, like TFLite,
// declines TANH/SIGN_BIT; the hybrid one applies the activation with
// ApplyActivationToVector semantics, where TANH and SIGN_BIT do apply.
// int8/uint8 inputs go to kernels/quantized_conv.cc.
#include "cpu_fallback/optimized/fully_connected.h"

#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/kernels/fully_connected_shape.h"
#include "cpu_fallback/kernels/quantized_conv.h"
#include "cpu_fallback/reference/fully_connected.h"
#include "cpu_fallback/xnnpack/xnn_backend.h"

namespace vkd::cpu {

namespace {

constexpr int kInput = 0;
constexpr int kWeights = 1;
constexpr int kBias = 2;

struct FullyConnectedState : KernelState {
  ref::FullyConnectedShape shape;
  ir::Activation activation = ir::Activation::kNone;
  float activation_min = 0;
  float activation_max = 0;
  bool hybrid = false;
  bool asymmetric = false;
  std::vector<float> weight_scales;  // hybrid: one per unit
  bool use_optimized = false;
  xnn::Operator xnn_op;  // float with constant weights, when XNNPACK takes it
  opt::PackedWeights packed;
  // Hybrid scratch, sized in Prepare so that Eval does not allocate.
  std::vector<int8_t> quantized_input;
  std::vector<float> input_scales;
  std::vector<int32_t> input_zero_points;
  std::vector<float> dequantized_input;
};

std::string Str(int64_t v) { return std::to_string(v); }

bool HasQuantizedInput(const KernelContext& ctx) {
  return ctx.num_inputs() > 0 && ctx.has_input(kInput) && IsQuantizedType(ctx.input(kInput).type);
}

Status Prepare(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedFullyConnectedPrepare(ctx);
  VKD_CHECK_ARG(ctx.num_inputs() == 2 || ctx.num_inputs() == 3,
                "expected 2 or 3 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  VKD_CHECK_ARG(ctx.has_input(kInput) && ctx.has_input(kWeights), "input and weights are required");
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& weights = ctx.input(kWeights);
  const auto options = ctx.options<ir::FullyConnectedOptions>();
  if (input.type != ir::DataType::kFloat32) {
    return UnimplementedError(TypeMismatch("input", input.type) + " (only FLOAT32 and hybrid)");
  }
  if (ctx.output(0).type != ir::DataType::kFloat32) {
    return UnimplementedError(TypeMismatch("output", ctx.output(0).type));
  }
  if (weights.type != ir::DataType::kFloat32 && weights.type != ir::DataType::kInt8) {
    return UnimplementedError(TypeMismatch("weights", weights.type));
  }
  if (options.shuffled_weights) return UnimplementedError("SHUFFLED4x16INT8 weights");
  VKD_RETURN_IF_ERROR(CheckFusedActivation(options.activation));

  auto state = std::make_unique<FullyConnectedState>();
  ref::FullyConnectedShape& shape = state->shape;
  VKD_RETURN_IF_ERROR(ApplyFullyConnectedShape(ctx, input, weights, &shape));
  const int64_t total = input.num_elements();
  if (ctx.has_input(kBias)) {
    const ir::Tensor& bias = ctx.input(kBias);
    if (bias.type != ir::DataType::kFloat32)
      return UnimplementedError(TypeMismatch("bias", bias.type));
    VKD_CHECK_ARG(bias.num_elements() == shape.num_units, "bias has " + Str(bias.num_elements()) +
                                                              " elements, weights " +
                                                              Str(shape.num_units) + " units");
  }

  const bool hybrid = weights.type == ir::DataType::kInt8;
  if (!hybrid && (options.activation == ir::Activation::kTanh ||
                  options.activation == ir::Activation::kSignBit)) {
    // TFLite 2.9's Prepare rejects these for float (its kernel could only clamp).
    return UnimplementedError(std::string("fused ") + ir::ActivationName(options.activation) +
                              " with float weights");
  }
  state->activation = options.activation;
  GetActivationRange(options.activation, &state->activation_min, &state->activation_max);
  state->hybrid = hybrid;
  if (state->hybrid) {
    const ir::Quantization& q = weights.quant;
    if (q.empty()) return InvalidArgumentError("weights: INT8 without quantization scale");
    // TFLite 2.9's hybrid FC reads the single legacy scale, which is 0 for a
    // per-channel tensor.
    if (q.per_channel()) {
      return UnimplementedError("weights: hybrid FC with " + Str(q.scale.size()) +
                                " per-channel scales (TFLite 2.9 supports one)");
    }
    for (int64_t zp : q.zero_point) {
      if (zp != 0) return UnimplementedError("weights: hybrid needs a zero point of 0");
    }
    state->weight_scales.assign(shape.num_units, q.scale[0]);
    state->asymmetric = options.asymmetric_quantize_inputs;
  }

  state->use_optimized = !ctx.use_reference() && weights.is_constant();
  const bool bias_constant = !ctx.has_input(kBias) || ctx.input(kBias).is_constant();
  // A constant input (mapped model data) has no padding for XNNPACK's over-reads.
  if (state->use_optimized && !state->hybrid && bias_constant && !input.is_constant()) {
    state->xnn_op = xnn::CreateFullyConnected(
        shape.input_size, shape.num_units, weights.const_data<float>(),
        ctx.has_input(kBias) ? ctx.input(kBias).const_data<float>() : nullptr,
        state->activation_min, state->activation_max);
    if (state->xnn_op) state->library = "xnnpack";
  }
  if (state->use_optimized && !state->xnn_op) {
    state->packed =
        state->hybrid
            ? opt::PackWeights(weights.const_data<int8_t>(), shape.num_units, shape.input_size)
            : opt::PackWeights(weights.const_data<float>(), shape.num_units, shape.input_size);
  }
  if (state->hybrid) {
    state->quantized_input.assign(static_cast<size_t>(total), 0);
    state->input_scales.assign(shape.batches, 0.0f);
    state->input_zero_points.assign(shape.batches, 0);
    if (state->use_optimized) state->dequantized_input.assign(static_cast<size_t>(total), 0.0f);
  }

  ctx.state() = std::move(state);
  return Status::Ok();
}

Status Eval(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedFullyConnectedEval(ctx);
  auto* s = ctx.state_as<FullyConnectedState>();
  const float* input = ctx.input_data<float>(kInput);
  const float* bias = ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr;
  float* output = ctx.output_data<float>(0);
  if (s->xnn_op)
    return xnn::RunFullyConnected(s->xnn_op, s->shape.batches, input, output, ctx.pool());
  if (!s->hybrid) {
    if (s->use_optimized) {
      opt::FullyConnectedFloat(s->shape, s->packed, input, bias, s->activation_min,
                               s->activation_max, output, ctx.pool());
    } else {
      ref::FullyConnectedFloat(s->shape, input, ctx.input_data<float>(kWeights), bias,
                               s->activation_min, s->activation_max, output);
    }
    return Status::Ok();
  }
  ref::QuantizeRows(input, s->shape.batches, s->shape.input_size, s->asymmetric,
                    s->quantized_input.data(), s->input_scales.data(), s->input_zero_points.data());
  const int32_t* zero_points = s->asymmetric ? s->input_zero_points.data() : nullptr;
  if (s->use_optimized) {
    opt::FullyConnectedHybrid(s->shape, s->quantized_input.data(), s->input_scales.data(),
                              zero_points, s->packed, s->weight_scales.data(), bias, s->activation,
                              s->dequantized_input.data(), output, ctx.pool());
  } else {
    ref::FullyConnectedHybrid(s->shape, s->quantized_input.data(), s->input_scales.data(),
                              zero_points, ctx.input_data<int8_t>(kWeights),
                              s->weight_scales.data(), bias, s->activation, output);
  }
  return Status::Ok();
}

}  // namespace

void RegisterFullyConnectedKernels(KernelTable& table) {
  table.Add(ir::OpType::kFullyConnected, {Prepare, Eval});
}

}  // namespace vkd::cpu
