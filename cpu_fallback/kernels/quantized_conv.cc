// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int8 or uint8
// activations, as TFLite 2.9 runs them:
//  - int8: symmetric int8 filters, one scale per output channel (CONV_2D
//    dimension 0, DEPTHWISE_CONV_2D dimension 3) or one per tensor; the
//    multipliers come from input_scale * filter_scale[c] / output_scale in
//    double (PopulateConvolutionQuantizationParams).
//  - uint8: one scale and zero point per tensor; the single multiplier comes
//    from the float product input_scale * filter_scale, then double
//    (GetQuantizedConvolutionMultipler). FULLY_CONNECTED uses that rule for
//    int8 too, and TFLite 2.9 reads one weights scale there.
// Bias is int32. Fused activations become clamp bounds in the output's domain
// (CalculateActivationRangeQuantized; TANH/SIGN_BIT leave the full range).
#include "cpu_fallback/kernels/quantized_conv.h"

#include <memory>
#include <string>

#include "cpu_fallback/kernels/conv_window.h"
#include "cpu_fallback/kernels/fully_connected_shape.h"
#include "cpu_fallback/optimized/quantized_conv.h"
#include "cpu_fallback/optimized/quantized_gemm.h"
#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/quantized_conv.h"

namespace vkd::cpu {

namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

enum class OpKind { kConv, kDepthwise, kFullyConnected };

struct QuantizedConvState : KernelState {
  ir::DataType type = ir::DataType::kInt8;
  ref::ConvGeometry geometry;         // CONV_2D, DEPTHWISE_CONV_2D
  ref::FullyConnectedShape fc_shape;  // FULLY_CONNECTED
  ref::QuantizedConvParams params;
  bool use_optimized = false;
  opt::QuantizedConvPlan conv_plan;
  opt::QuantizedDepthwisePlan depthwise_plan;
  opt::QuantizedPackedWeights fc_weights;
  opt::QuantizedOutputStage fc_stage;
};

std::string Str(int64_t v) { return std::to_string(v); }

Status CheckZeroPoint(const char* what, ir::DataType type, int32_t zero_point) {
  if (zero_point < QuantizedMin(type) || zero_point > QuantizedMax(type)) {
    return InvalidArgumentError(std::string(what) + ": zero point " + Str(zero_point) +
                                " outside " + ir::DataTypeName(type) + "'s range");
  }
  return Status::Ok();
}

// Arity and types shared by the three ops: int8 or uint8 input, output and
// filter of the same type, optional int32 bias with `output_depth` elements.
Status CheckQuantizedIo(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 || ctx.num_inputs() == 3,
                "expected 2 or 3 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  VKD_CHECK_ARG(ctx.has_input(kInput) && ctx.has_input(kFilter), "input and filter are required");
  const ir::DataType type = ctx.input(kInput).type;
  if (type != ir::DataType::kInt8 && type != ir::DataType::kUInt8) {
    return UnsupportedType("input 0", type);
  }
  if (ctx.input(kFilter).type != type) {
    return UnimplementedError(
        "input 1 (filter): " + std::string(ir::DataTypeName(ctx.input(kFilter).type)) + " with " +
        ir::DataTypeName(type) + " input unsupported");
  }
  if (ctx.output(0).type != type) {
    return UnimplementedError("output 0: " + std::string(ir::DataTypeName(ctx.output(0).type)) +
                              " with " + ir::DataTypeName(type) + " input unsupported");
  }
  if (ctx.has_input(kBias) && ctx.input(kBias).type != ir::DataType::kInt32) {
    return UnimplementedError(
        "input 2 (bias): " + std::string(ir::DataTypeName(ctx.input(kBias).type)) +
        " unsupported for quantized ops (needs INT32)");
  }
  return Status::Ok();
}

// The zero points, multipliers and clamp range of one op.
// `per_channel_dim` is the filter dimension of per-channel scales, -1 where
// TFLite 2.9 takes a single scale.
Status MakeParams(KernelContext& ctx, OpKind kind, int output_depth, int per_channel_dim,
                  ir::Activation activation, ref::QuantizedConvParams* p) {
  const ir::DataType type = ctx.input(kInput).type;
  const ir::Tensor& filter = ctx.input(kFilter);
  QuantParams in, out;
  VKD_RETURN_IF_ERROR(GetQuantParams(ctx.input(kInput), "input 0", &in));
  VKD_RETURN_IF_ERROR(GetQuantParams(ctx.output(0), "output 0", &out));
  VKD_RETURN_IF_ERROR(CheckZeroPoint("input 0", type, in.zero_point));
  VKD_RETURN_IF_ERROR(CheckZeroPoint("output 0", type, out.zero_point));
  const ir::Quantization& fq = filter.quant;
  if (fq.empty() || fq.zero_point.empty()) {
    return InvalidArgumentError("input 1 (filter): " + std::string(ir::DataTypeName(type)) +
                                " without quantization parameters");
  }
  for (float s : fq.scale) {
    if (!(s > 0) || !std::isfinite(s)) {
      return InvalidArgumentError("input 1 (filter): quantization scale " + std::to_string(s) +
                                  " is not positive");
    }
  }
  const int num_scales = static_cast<int>(fq.scale.size());
  if (num_scales != 1) {
    if (per_channel_dim < 0) {
      return UnimplementedError("input 1 (weights): " + Str(num_scales) +
                                " per-channel scales (TFLite 2.9 reads one)");
    }
    if (num_scales != output_depth || fq.quantized_dimension != per_channel_dim ||
        type != ir::DataType::kInt8) {
      return UnimplementedError("input 1 (filter): " + Str(num_scales) +
                                " scales along dimension " + Str(fq.quantized_dimension) +
                                "; expected 1, or (int8) " + Str(output_depth) +
                                " along dimension " + Str(per_channel_dim));
    }
  }
  if (type == ir::DataType::kInt8) {
    for (int64_t zp : fq.zero_point) {
      // TFLite's int8 conv kernels assume symmetric filters; FC takes an offset.
      if (zp != 0 && kind != OpKind::kFullyConnected) {
        return UnimplementedError("input 1 (filter): int8 zero point " + Str(zp) +
                                  " (TFLite needs 0)");
      }
    }
  }
  const int32_t filter_zero_point = static_cast<int32_t>(fq.zero_point[0]);
  VKD_RETURN_IF_ERROR(CheckZeroPoint("input 1 (filter)", type, filter_zero_point));

  p->input_offset = -in.zero_point;
  p->filter_offset = -filter_zero_point;
  p->output_offset = out.zero_point;
  p->output_multiplier.resize(output_depth);
  p->output_shift.resize(output_depth);
  const bool float_product = type == ir::DataType::kUInt8 || kind == OpKind::kFullyConnected;
  for (int c = 0; c < output_depth; ++c) {
    const float filter_scale = fq.scale[num_scales == 1 ? 0 : c];
    const double real_multiplier =
        float_product
            ? static_cast<double>(in.scale * filter_scale) / static_cast<double>(out.scale)
            : static_cast<double>(in.scale) * static_cast<double>(filter_scale) /
                  static_cast<double>(out.scale);
    const QuantizedMultiplier q = QuantizeMultiplier(real_multiplier);
    p->output_multiplier[c] = q.multiplier;
    p->output_shift[c] = q.shift;
  }
  p->rounding = kind == OpKind::kDepthwise ? ref::FinalRounding::kHalfAwayFromZero
                                           : ref::FinalRounding::kHalfUp;
  GetQuantizedActivationRange(activation, type, out, &p->activation_min, &p->activation_max);
  return Status::Ok();
}

Status CheckBiasSize(KernelContext& ctx, int output_depth) {
  if (!ctx.has_input(kBias)) return Status::Ok();
  const int64_t n = ctx.input(kBias).num_elements();
  VKD_CHECK_ARG(n == output_depth, "input 2 (bias): " + Str(n) + " elements, filter has " +
                                       Str(output_depth) + " output channels");
  return Status::Ok();
}

// The optimized kernels fold the filter and bias into packed state, so both
// must be constant.
bool CanOptimize(KernelContext& ctx) {
  return !ctx.use_reference() && ctx.input(kFilter).is_constant() &&
         (!ctx.has_input(kBias) || ctx.input(kBias).is_constant());
}

const int32_t* ConstBias(KernelContext& ctx) {
  return ctx.has_input(kBias) ? ctx.input(kBias).const_data<int32_t>() : nullptr;
}

// Calls `f` with the filter's data as int8_t or uint8_t (the op's type), for
// the optimized kernels' packing, which is typed.
template <typename F>
auto WithTypedFilter(const ir::Tensor& filter, F f) {
  return filter.type == ir::DataType::kInt8 ? f(filter.const_data<int8_t>())
                                            : f(filter.const_data<uint8_t>());
}

// The Eval of all three ops: with T the op's type (int8_t or uint8_t), runs
// optimized(state, input, output) when Prepare packed the op (the state is
// mutable: the optimized plans keep their scratch there), else
// reference(state, input, filter, bias, output).
template <typename Optimized, typename Reference>
Status EvalTyped(KernelContext& ctx, Optimized optimized, Reference reference) {
  auto* s = ctx.state_as<QuantizedConvState>();
  auto run = [&](auto type_tag) {
    using T = decltype(type_tag);
    const T* input = ctx.input_data<T>(kInput);
    T* output = ctx.output_data<T>(0);
    if (s->use_optimized) {
      optimized(*s, input, output);
    } else {
      const int32_t* bias = ctx.has_input(kBias) ? ctx.input_data<int32_t>(kBias) : nullptr;
      reference(*s, input, ctx.input_data<T>(kFilter), bias, output);
    }
  };
  if (s->type == ir::DataType::kInt8) {
    run(int8_t{});
  } else {
    run(uint8_t{});
  }
  return Status::Ok();
}

Status CheckRank4(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.input(kInput).shape.size() == 4,
                "input 0: must be 4-D NHWC, got " + ir::ShapeToString(ctx.input(kInput).shape));
  VKD_CHECK_ARG(
      ctx.input(kFilter).shape.size() == 4,
      "input 1 (filter): must be 4-D, got " + ir::ShapeToString(ctx.input(kFilter).shape));
  return Status::Ok();
}

}  // namespace

// --- CONV_2D -------------------------------------------------------------------------------------

Status QuantizedConvPrepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckQuantizedIo(ctx));
  VKD_RETURN_IF_ERROR(CheckRank4(ctx));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& filter = ctx.input(kFilter);
  const auto options = ctx.options<ir::Conv2DOptions>();
  auto state = std::make_unique<QuantizedConvState>();
  state->type = input.type;
  ref::ConvGeometry& g = state->geometry;
  FillConvShapes(input, filter, /*depthwise=*/false, &g);
  if (g.filter_input_depth != g.input_depth) {
    return UnimplementedError("input channels " + Str(g.input_depth) + " != filter channels " +
                              Str(g.filter_input_depth) + " (grouped conv; TFLite 2.9 has none)");
  }
  VKD_RETURN_IF_ERROR(FillConvWindow(ctx, options, &g));
  VKD_RETURN_IF_ERROR(CheckBiasSize(ctx, g.output_depth));
  VKD_RETURN_IF_ERROR(MakeParams(ctx, OpKind::kConv, g.output_depth, /*per_channel_dim=*/0,
                                 options.activation, &state->params));
  state->use_optimized = CanOptimize(ctx);
  // The optimized plan's im2col buffer: one row of K (padded) bytes per
  // output pixel.
  VKD_RETURN_IF_ERROR(
      ctx.CheckScratch(double(g.batches) * g.output_height * g.output_width *
                           (double(g.filter_height) * g.filter_width * g.filter_input_depth + 64),
                       "the convolution's im2col buffer"));
  if (state->use_optimized) {
    state->conv_plan = WithTypedFilter(filter, [&](const auto* filter_data) {
      return opt::MakeQuantizedConvPlan(g, state->params, filter_data, ConstBias(ctx));
    });
  }
  return FinishConvPrepare(ctx, std::move(state));
}

Status QuantizedConvEval(KernelContext& ctx) {
  return EvalTyped(
      ctx,
      [&](QuantizedConvState& s, const auto* input, auto* output) {
        opt::ConvQuantized(s.conv_plan, input, output, ctx.pool());
      },
      [](const QuantizedConvState& s, const auto* input, const auto* filter, const int32_t* bias,
         auto* output) { ref::ConvQuantized(s.geometry, s.params, input, filter, bias, output); });
}

// --- DEPTHWISE_CONV_2D ---------------------------------------------------------------------------

Status QuantizedDepthwisePrepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckQuantizedIo(ctx));
  VKD_RETURN_IF_ERROR(CheckRank4(ctx));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& filter = ctx.input(kFilter);
  const auto options = ctx.options<ir::DepthwiseConv2DOptions>();
  VKD_CHECK_ARG(filter.shape[0] == 1, "input 1 (filter): must be [1, kh, kw, channels], got " +
                                          ir::ShapeToString(filter.shape));
  auto state = std::make_unique<QuantizedConvState>();
  state->type = input.type;
  ref::ConvGeometry& g = state->geometry;
  FillConvShapes(input, filter, /*depthwise=*/true, &g);
  VKD_RETURN_IF_ERROR(FillConvWindow(ctx, options, &g));
  VKD_RETURN_IF_ERROR(CheckBiasSize(ctx, g.output_depth));
  VKD_RETURN_IF_ERROR(MakeParams(ctx, OpKind::kDepthwise, g.output_depth, /*per_channel_dim=*/3,
                                 options.activation, &state->params));
  state->use_optimized =
      CanOptimize(ctx) && g.filter_height * g.filter_width <= opt::kMaxDepthwiseTaps;
  if (state->use_optimized) {
    state->depthwise_plan = WithTypedFilter(filter, [&](const auto* filter_data) {
      return opt::MakeQuantizedDepthwisePlan(g, state->params, filter_data, ConstBias(ctx));
    });
  }
  return FinishConvPrepare(ctx, std::move(state));
}

Status QuantizedDepthwiseEval(KernelContext& ctx) {
  return EvalTyped(
      ctx,
      [&](const QuantizedConvState& s, const auto* input, auto* output) {
        opt::DepthwiseConvQuantized(s.depthwise_plan, input, output, ctx.pool());
      },
      [](const QuantizedConvState& s, const auto* input, const auto* filter, const int32_t* bias,
         auto* output) {
        ref::DepthwiseConvQuantized(s.geometry, s.params, input, filter, bias, output);
      });
}

// --- FULLY_CONNECTED -----------------------------------------------------------------------------

Status QuantizedFullyConnectedPrepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckQuantizedIo(ctx));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& weights = ctx.input(kFilter);
  const auto options = ctx.options<ir::FullyConnectedOptions>();
  if (options.shuffled_weights) return UnimplementedError("SHUFFLED4x16INT8 weights");
  auto state = std::make_unique<QuantizedConvState>();
  state->type = input.type;
  ref::FullyConnectedShape& shape = state->fc_shape;
  VKD_RETURN_IF_ERROR(ApplyFullyConnectedShape(ctx, input, weights, &shape));
  VKD_RETURN_IF_ERROR(CheckBiasSize(ctx, shape.num_units));
  VKD_RETURN_IF_ERROR(MakeParams(ctx, OpKind::kFullyConnected, shape.num_units,
                                 /*per_channel_dim=*/-1, options.activation, &state->params));
  state->use_optimized = CanOptimize(ctx);
  if (state->use_optimized) {
    WithTypedFilter(weights, [&](const auto* weights_data) {
      opt::PackQuantizedGemm(weights_data, shape.num_units, shape.input_size, state->params,
                             ConstBias(ctx), &state->fc_weights, &state->fc_stage);
    });
    // The GEMM reads whole groups of 4 bytes per row; rows of other lengths
    // would read past the input's end.
    if (shape.input_size % 4 != 0) state->use_optimized = false;
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status QuantizedFullyConnectedEval(KernelContext& ctx) {
  return EvalTyped(
      ctx,
      [&](const QuantizedConvState& s, const auto* input, auto* output) {
        const ref::FullyConnectedShape& shape = s.fc_shape;
        opt::QuantizedGemm(input, shape.input_size, shape.batches, s.fc_weights, s.fc_stage, output,
                           shape.num_units, ctx.pool());
      },
      [](const QuantizedConvState& s, const auto* input, const auto* weights, const int32_t* bias,
         auto* output) {
        ref::FullyConnectedQuantized(s.fc_shape, s.params, input, weights, bias, output);
      });
}

}  // namespace vkd::cpu
