// CONV_2D and DEPTHWISE_CONV_2D: float, and hybrid (float input, constant int8
// filter, float bias and output) as TFLite 2.9 runs them:
//  - CONV_2D, one filter scale: EvalHybrid. Each image is quantized
//    symmetrically (SymmetricQuantizeFloats); out = acc * (in_scale *
//    filter_scale) + bias.
//  - CONV_2D, per-channel scales that differ: EvalHybridPerChannel. Each image
//    is quantized asymmetrically (AsymmetricQuantizeFloats, zero point per
//    batch); out = acc * (filter_scale[oc] * in_scale) + bias.
//  - DEPTHWISE_CONV_2D: only the per-channel form exists (EvalHybridPerChannel,
//    asymmetric inputs).
// Fused TANH/SIGN_BIT are accepted and, as in TFLite's float and hybrid conv
// kernels (CalculateActivationRange), have no effect.
// int8/uint8 inputs go to kernels/quantized_conv.cc.
#include "cpu_fallback/optimized/conv.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/kernels/conv_window.h"
#include "cpu_fallback/kernels/quantized_conv.h"
#include "cpu_fallback/optimized/depthwise_conv.h"
#include "cpu_fallback/optimized/depthwise_conv_3x3.h"
#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/reference/depthwise_conv.h"
#include "cpu_fallback/reference/fully_connected.h"
#include "cpu_fallback/xnnpack/xnn_backend.h"

namespace vkd::cpu {

namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

struct ConvState : KernelState {
  ref::ConvGeometry geometry;
  bool hybrid = false;
  bool asymmetric = false;  // hybrid input quantization with a zero point
  float activation_min = 0;
  float activation_max = 0;
  std::vector<float> filter_scales;  // hybrid: one per output channel
  // Optimized paths (constant filters only): XNNPACK for float when it takes
  // the shape, else vkdelegate's own kernels.
  xnn::Operator xnn_op;
  bool use_dw3x3 = false;  // DEPTHWISE_CONV_2D float 3x3: the own SIMD kernel
  bool use_optimized = false;
  opt::ConvPlan plan;               // CONV_2D
  std::vector<float> float_filter;  // DEPTHWISE_CONV_2D hybrid: the int8 filter as floats
  // Hybrid scratch, sized in Prepare so that Eval does not allocate.
  std::vector<int8_t> quantized_input;
  std::vector<float> input_scales;
  std::vector<int32_t> input_zero_points;
  std::vector<float> dequantized_input;  // optimized only
  std::vector<float> pixel_scales;       // optimized CONV_2D only
  std::vector<float> accumulators;       // hybrid CONV_2D on XNNPACK: the exact integer sums
};

std::string Str(int v) { return std::to_string(v); }

// Checks shared by both ops: arity, input/output types, ranks, bias.
Status CheckCommon(KernelContext& ctx, int output_depth_dim) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 || ctx.num_inputs() == 3,
                "expected 2 or 3 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  VKD_CHECK_ARG(ctx.has_input(kInput) && ctx.has_input(kFilter), "input and filter are required");
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& filter = ctx.input(kFilter);
  if (input.type != ir::DataType::kFloat32) {
    return UnimplementedError(TypeMismatch("input", input.type) + " (only FLOAT32 and hybrid)");
  }
  if (ctx.output(0).type != ir::DataType::kFloat32) {
    return UnimplementedError(TypeMismatch("output", ctx.output(0).type));
  }
  if (filter.type != ir::DataType::kFloat32 && filter.type != ir::DataType::kInt8) {
    return UnimplementedError(TypeMismatch("filter", filter.type));
  }
  VKD_CHECK_ARG(input.shape.size() == 4,
                "input must be 4-D NHWC, got " + ir::ShapeToString(input.shape));
  VKD_CHECK_ARG(filter.shape.size() == 4,
                "filter must be 4-D, got " + ir::ShapeToString(filter.shape));
  if (ctx.has_input(kBias)) {
    const ir::Tensor& bias = ctx.input(kBias);
    if (bias.type != ir::DataType::kFloat32)
      return UnimplementedError(TypeMismatch("bias", bias.type));
    VKD_CHECK_ARG(bias.num_elements() == filter.shape[output_depth_dim],
                  "bias has " + std::to_string(bias.num_elements()) + " elements, filter " +
                      Str(filter.shape[output_depth_dim]) + " output channels");
  }
  return Status::Ok();
}

// The filter scales of a hybrid op, one per output channel. `per_channel_dim`
// is the filter dimension TFLite quantizes per channel.
Status HybridFilterScales(const ir::Tensor& filter, int output_depth, int per_channel_dim,
                          std::vector<float>* scales) {
  const ir::Quantization& q = filter.quant;
  if (q.empty()) return InvalidArgumentError("filter: INT8 without quantization scale");
  for (int64_t zp : q.zero_point) {
    if (zp != 0) return UnimplementedError("filter: hybrid needs zero points of 0");
  }
  if (!q.per_channel()) {
    scales->assign(output_depth, q.scale[0]);
    return Status::Ok();
  }
  if (static_cast<int>(q.scale.size()) != output_depth ||
      q.quantized_dimension != per_channel_dim) {
    return UnimplementedError("filter: " + Str(static_cast<int>(q.scale.size())) +
                              " scales along dimension " + Str(q.quantized_dimension) +
                              "; expected " + Str(output_depth) + " along dimension " +
                              Str(per_channel_dim));
  }
  *scales = q.scale;
  return Status::Ok();
}

void SizeHybridScratch(const ref::ConvGeometry& g, bool optimized, bool conv, ConvState* s) {
  const size_t input_size =
      static_cast<size_t>(g.batches) * g.input_height * g.input_width * g.input_depth;
  s->quantized_input.assign(input_size, 0);
  s->input_scales.assign(g.batches, 0.0f);
  s->input_zero_points.assign(g.batches, 0);
  if (optimized) {
    s->dequantized_input.assign(input_size, 0.0f);
    if (conv) {
      s->pixel_scales.assign(static_cast<size_t>(g.batches) * g.output_height * g.output_width,
                             0.0f);
    }
  }
}

void QuantizeInput(const ref::ConvGeometry& g, const float* input, ConvState* s) {
  ref::QuantizeRows(input, g.batches, g.input_height * g.input_width * g.input_depth, s->asymmetric,
                    s->quantized_input.data(), s->input_scales.data(), s->input_zero_points.data());
}

// XNNPACK packs the bias with the filter at Prepare, so it must be constant
// (or absent) too.
bool BiasIsConstant(const KernelContext& ctx) {
  return !ctx.has_input(kBias) || ctx.input(kBias).is_constant();
}
const float* ConstBias(const KernelContext& ctx) {
  return ctx.has_input(kBias) ? ctx.input(kBias).const_data<float>() : nullptr;
}

// --- CONV_2D -------------------------------------------------------------------------------------

// True when the node's input is int8/uint8/int16: the quantized kernels' business.
bool HasQuantizedInput(const KernelContext& ctx) {
  return ctx.num_inputs() > 0 && ctx.has_input(kInput) && IsQuantizedType(ctx.input(kInput).type);
}

// The hybrid kernel's sums are of products (q - zero_point) * filter, each at
// most 255 * 127 in magnitude: with K = kh * kw * channels of them, every
// partial sum is an integer float represents exactly while K * 255 * 127 < 2^24.
bool HybridSumsAreExact(const ref::ConvGeometry& g) {
  const double k = double(g.filter_height) * g.filter_width * g.filter_input_depth;
  return k * 255.0 * 127.0 < 16777216.0;
}

// The hybrid epilogue on XNNPACK's integer sums, written as the reference
// kernel's one expression, sum * (filter_scale * input_scale) + bias: the
// compiler then fuses (or not) the multiply-add exactly as it does there, so
// the two agree bit for bit under GCC and clang alike.
Status EvalHybridOnXnn(const ref::ConvGeometry& g, const int32_t* zero_points, const float* bias,
                       float* output, ThreadPool& pool, ConvState* s) {
  const int image_size = g.input_height * g.input_width * g.input_depth;
  opt::DequantizeRows(s->quantized_input.data(), g.batches, image_size, zero_points,
                      s->dequantized_input.data());
  VKD_RETURN_IF_ERROR(
      xnn::RunConv(s->xnn_op, g, s->dequantized_input.data(), s->accumulators.data(), pool));
  const int64_t pixels_per_image = int64_t(g.output_height) * g.output_width;
  const int depth = g.output_depth;
  const float* acc = s->accumulators.data();
  pool.ParallelFor(g.batches * pixels_per_image, 64, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const float row_scale = s->input_scales[p / pixels_per_image];
      const float* a = acc + p * depth;
      float* out = output + p * depth;
      for (int c = 0; c < depth; ++c) {
        const float scale = s->filter_scales[c] * row_scale;
        const float bias_value = bias != nullptr ? bias[c] : 0.0f;
        out[c] = ClampActivation(a[c] * scale + bias_value, s->activation_min, s->activation_max);
      }
    }
  });
  return Status::Ok();
}

Status ConvPrepare(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedConvPrepare(ctx);
  VKD_RETURN_IF_ERROR(CheckCommon(ctx, /*output_depth_dim=*/0));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& filter = ctx.input(kFilter);
  const auto options = ctx.options<ir::Conv2DOptions>();
  VKD_RETURN_IF_ERROR(CheckFusedActivation(options.activation));

  auto state = std::make_unique<ConvState>();
  ref::ConvGeometry& g = state->geometry;
  FillConvShapes(input, filter, /*depthwise=*/false, &g);
  VKD_CHECK_ARG(g.filter_input_depth > 0 && g.input_depth % g.filter_input_depth == 0,
                "input channels " + Str(g.input_depth) + " != filter channels " +
                    Str(g.filter_input_depth) + " (nor a multiple, for grouped conv)");
  const int groups = g.groups();
  // The kernels handle groups, but TFLite 2.9 rejects grouped CONV_2D, so no
  // valid model has one and the oracle cannot check ours: decline.
  if (groups != 1) {
    return UnimplementedError("input channels " + Str(g.input_depth) + " != filter channels " +
                              Str(g.filter_input_depth) + " (grouped conv; TFLite 2.9 has none)");
  }
  VKD_RETURN_IF_ERROR(FillConvWindow(ctx, options, &g));
  GetActivationRange(options.activation, &state->activation_min, &state->activation_max);

  state->hybrid = filter.type == ir::DataType::kInt8;
  if (state->hybrid) {
    VKD_RETURN_IF_ERROR(
        HybridFilterScales(filter, g.output_depth, /*per_channel_dim=*/0, &state->filter_scales));
    if (filter.quant.per_channel()) {
      const auto& sc = filter.quant.scale;
      // TFLite 2.9 takes its per-tensor path for equal per-channel scales and
      // then reads the legacy scale, which is 0 for multi-scale tensors.
      if (std::all_of(sc.begin(), sc.end(), [&](float v) { return v == sc[0]; })) {
        return UnimplementedError("filter: " + Str(static_cast<int>(sc.size())) +
                                  " equal per-channel scales (TFLite computes with scale 0)");
      }
      state->asymmetric = true;
    }
  }

  state->use_optimized = !ctx.use_reference() && filter.is_constant();
  // The optimized plan keeps one input offset per output pixel and tap, as
  // does XNNPACK's indirection buffer.
  const double pixels = double(g.batches) * g.output_height * g.output_width;
  VKD_RETURN_IF_ERROR(ctx.CheckScratch(pixels * g.filter_height * g.filter_width * 8 +
                                           double(g.batches) * g.input_height * g.input_width *
                                               g.input_depth * (state->hybrid ? 5 : 0),
                                       "the convolution's offset tables and scratch"));
  if (state->use_optimized && !state->hybrid && BiasIsConstant(ctx) && !input.is_constant()) {
    state->xnn_op = xnn::CreateConv(g, /*depthwise=*/false, filter.const_data<float>(),
                                    ConstBias(ctx), state->activation_min, state->activation_max);
    if (state->xnn_op) state->library = "xnnpack";
    if (state->xnn_op) {
      return FinishConvPrepare(ctx, std::move(state));
    }
  }
  if (state->use_optimized && state->hybrid && !input.is_constant() && HybridSumsAreExact(g)) {
    // The integer GEMM of the hybrid kernel as an XNNPACK float convolution
    // of (q - zero_point) by the int8 filter, both held exactly as floats:
    // every partial sum is an integer below 2^24, so it is exact in any
    // order and the scale/bias/clamp epilogue below sees TFLite's int32 sums.
    const int8_t* q = filter.const_data<int8_t>();
    const std::vector<float> float_filter(q, q + filter.num_elements());
    state->xnn_op = xnn::CreateConv(g, /*depthwise=*/false, float_filter.data(), nullptr,
                                    -std::numeric_limits<float>::infinity(),
                                    std::numeric_limits<float>::infinity());
    if (state->xnn_op) {
      state->library = "xnnpack";
      const size_t input_size =
          static_cast<size_t>(g.batches) * g.input_height * g.input_width * g.input_depth;
      state->quantized_input.assign(input_size, 0);
      state->input_scales.assign(g.batches, 0.0f);
      state->input_zero_points.assign(g.batches, 0);
      // Padded for XNNPACK's over-reads (XNN_EXTRA_BYTES).
      state->dequantized_input.assign(input_size + 16, 0.0f);
      state->accumulators.assign(
          static_cast<size_t>(g.batches) * g.output_height * g.output_width * g.output_depth, 0.0f);
      return FinishConvPrepare(ctx, std::move(state));
    }
  }
  if (state->use_optimized) {
    state->plan = state->hybrid ? opt::MakeConvPlan(g, filter.const_data<int8_t>())
                                : opt::MakeConvPlan(g, filter.const_data<float>());
    state->use_optimized = state->plan.supported;
  }
  if (state->hybrid) SizeHybridScratch(g, state->use_optimized, /*conv=*/true, state.get());

  return FinishConvPrepare(ctx, std::move(state));
}

Status ConvEval(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedConvEval(ctx);
  auto* s = ctx.state_as<ConvState>();
  const ref::ConvGeometry& g = s->geometry;
  const float* input = ctx.input_data<float>(kInput);
  const float* bias = ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr;
  float* output = ctx.output_data<float>(0);
  if (s->xnn_op && !s->hybrid) return xnn::RunConv(s->xnn_op, g, input, output, ctx.pool());
  if (!s->hybrid) {
    if (s->use_optimized) {
      opt::ConvFloat(s->plan, input, bias, s->activation_min, s->activation_max, output,
                     ctx.pool());
    } else {
      ref::ConvFloat(g, input, ctx.input_data<float>(kFilter), bias, s->activation_min,
                     s->activation_max, output);
    }
    return Status::Ok();
  }
  QuantizeInput(g, input, s);
  const int32_t* zero_points = s->asymmetric ? s->input_zero_points.data() : nullptr;
  if (s->xnn_op) return EvalHybridOnXnn(g, zero_points, bias, output, ctx.pool(), s);
  if (s->use_optimized) {
    opt::ConvHybrid(s->plan, s->quantized_input.data(), s->input_scales.data(), zero_points,
                    s->filter_scales.data(), bias, s->activation_min, s->activation_max,
                    s->dequantized_input.data(), s->pixel_scales.data(), output, ctx.pool());
  } else {
    ref::ConvHybrid(g, s->quantized_input.data(), s->input_scales.data(), zero_points,
                    ctx.input_data<int8_t>(kFilter), s->filter_scales.data(), bias,
                    s->activation_min, s->activation_max, output);
  }
  return Status::Ok();
}

// --- DEPTHWISE_CONV_2D ---------------------------------------------------------------------------

Status DepthwisePrepare(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedDepthwisePrepare(ctx);
  VKD_RETURN_IF_ERROR(CheckCommon(ctx, /*output_depth_dim=*/3));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& filter = ctx.input(kFilter);
  const auto options = ctx.options<ir::DepthwiseConv2DOptions>();
  VKD_RETURN_IF_ERROR(CheckFusedActivation(options.activation));
  VKD_CHECK_ARG(filter.shape[0] == 1,
                "filter must be [1, kh, kw, channels], got " + ir::ShapeToString(filter.shape));

  auto state = std::make_unique<ConvState>();
  ref::ConvGeometry& g = state->geometry;
  FillConvShapes(input, filter, /*depthwise=*/true, &g);
  VKD_RETURN_IF_ERROR(FillConvWindow(ctx, options, &g));
  GetActivationRange(options.activation, &state->activation_min, &state->activation_max);

  state->hybrid = filter.type == ir::DataType::kInt8;
  if (state->hybrid) {
    // TFLite indexes the scales by output channel, so one scale only works
    // for a single channel.
    if (!filter.quant.per_channel() && g.output_depth != 1) {
      return UnimplementedError("filter: hybrid depthwise needs one scale per channel, got 1 for " +
                                Str(g.output_depth) + " channels");
    }
    VKD_RETURN_IF_ERROR(
        HybridFilterScales(filter, g.output_depth, /*per_channel_dim=*/3, &state->filter_scales));
    state->asymmetric = true;
  }

  state->use_optimized = !ctx.use_reference() && filter.is_constant();
  // The own 3x3 kernel beats XNNPACK's on every depthwise layer of
  // MobileNetV2 and vww_96 (bench/compare_cpu.sh; 1.2-4x per layer).
  state->use_dw3x3 = state->use_optimized && !state->hybrid && opt::DepthwiseConv3x3Supported(g);
  if (!state->use_dw3x3 && state->use_optimized && !state->hybrid && BiasIsConstant(ctx) &&
      !input.is_constant() && xnn::Available()) {
    // XNNPACK's indirection buffer: one pointer per output pixel and tap.
    VKD_RETURN_IF_ERROR(ctx.CheckScratch(
        double(g.batches) * g.output_height * g.output_width * g.filter_height * g.filter_width * 8,
        "the depthwise convolution's indirection buffer"));
    state->xnn_op = xnn::CreateConv(g, /*depthwise=*/true, filter.const_data<float>(),
                                    ConstBias(ctx), state->activation_min, state->activation_max);
    if (state->xnn_op) state->library = "xnnpack";
  }
  if (state->use_optimized && state->hybrid) {
    const int8_t* q = filter.const_data<int8_t>();
    state->float_filter.assign(q, q + filter.num_elements());
  }
  if (state->hybrid) SizeHybridScratch(g, state->use_optimized, /*conv=*/false, state.get());

  return FinishConvPrepare(ctx, std::move(state));
}

Status DepthwiseEval(KernelContext& ctx) {
  if (HasQuantizedInput(ctx)) return QuantizedDepthwiseEval(ctx);
  auto* s = ctx.state_as<ConvState>();
  const ref::ConvGeometry& g = s->geometry;
  const float* input = ctx.input_data<float>(kInput);
  const float* bias = ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr;
  float* output = ctx.output_data<float>(0);
  if (s->use_dw3x3) {
    opt::DepthwiseConv3x3Float(g, input, ctx.input_data<float>(kFilter), bias, s->activation_min,
                               s->activation_max, output, ctx.pool());
    return Status::Ok();
  }
  if (s->xnn_op) return xnn::RunConv(s->xnn_op, g, input, output, ctx.pool());
  if (!s->hybrid) {
    if (s->use_optimized) {
      opt::DepthwiseConvFloat(g, input, ctx.input_data<float>(kFilter), bias, s->activation_min,
                              s->activation_max, output, ctx.pool());
    } else {
      ref::DepthwiseConvFloat(g, input, ctx.input_data<float>(kFilter), bias, s->activation_min,
                              s->activation_max, output);
    }
    return Status::Ok();
  }
  QuantizeInput(g, input, s);
  if (s->use_optimized) {
    opt::DepthwiseConvHybrid(g, s->quantized_input.data(), s->input_scales.data(),
                             s->input_zero_points.data(), s->float_filter.data(),
                             s->filter_scales.data(), bias, s->activation_min, s->activation_max,
                             s->dequantized_input.data(), output, ctx.pool());
  } else {
    ref::DepthwiseConvHybrid(g, s->quantized_input.data(), s->input_scales.data(),
                             s->input_zero_points.data(), ctx.input_data<int8_t>(kFilter),
                             s->filter_scales.data(), bias, s->activation_min, s->activation_max,
                             output);
  }
  return Status::Ok();
}

}  // namespace

void RegisterConvKernels(KernelTable& table) {
  table.Add(ir::OpType::kConv2d, {ConvPrepare, ConvEval});
  table.Add(ir::OpType::kDepthwiseConv2d, {DepthwisePrepare, DepthwiseEval});
}

}  // namespace vkd::cpu
