// SVDF: float and full integer (int8 input/output, int16 state and time
// weights, int32 bias) as TFLite 2.9 runs them. The hybrid form (float input,
// int8 weights) is declined in Prepare.
//
// Inputs: 0 input [batch, input_size], 1 weights_feature [filters, input_size],
// 2 weights_time [filters, memory], 3 bias [units] (optional), 4 state
// [batch, memory * filters] (a variable tensor: it persists across invokes
// and the interpreter zeroes it on AllocateTensors, as TFLite does).
// The output shape and the inputs' shape checks are SVDF's shape rule
// (ops/shape_rules.h).
#include "cpu_fallback/reference/svdf.h"

#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/quantization.h"

namespace vkd::cpu {

namespace {

constexpr int kInput = 0;
constexpr int kWeightsFeature = 1;
constexpr int kWeightsTime = 2;
constexpr int kBias = 3;
constexpr int kState = 4;

struct SvdfState : KernelState {
  ref::SvdfShape shape;
  ir::Activation activation = ir::Activation::kNone;
  bool integer = false;
  ref::SvdfIntegerParams params;
  std::vector<float> scratch;  // float: batch * filters
  std::vector<int32_t> scratch_int;
  std::vector<int32_t> scratch_out;
};

std::string Str(int64_t v) { return std::to_string(v); }

Status CheckType(const ir::Tensor& t, ir::DataType want, const char* what) {
  if (t.type != want) {
    return UnimplementedError(std::string(what) + ": " + ir::DataTypeName(t.type) +
                              " unsupported here (expected " + ir::DataTypeName(want) + ")");
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 5, "expected 5 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  const ir::Tensor& input = ctx.input(kInput);
  const ir::Tensor& wf = ctx.input(kWeightsFeature);
  const ir::Tensor& wt = ctx.input(kWeightsTime);
  const ir::Tensor& st = ctx.input(kState);
  const ir::Tensor& output = ctx.output(0);
  const auto options = ctx.options<ir::SvdfOptions>();
  VKD_RETURN_IF_ERROR(CheckFusedActivation(options.activation));

  // Required inputs and every dimension: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  auto state = std::make_unique<SvdfState>();
  ref::SvdfShape& s = state->shape;
  s.batches = input.shape[0];
  s.input_size = input.shape[1];
  s.num_filters = wf.shape[0];
  s.rank = options.rank;
  s.memory_size = wt.shape[1];
  s.num_units = s.num_filters / s.rank;
  VKD_CHECK_ARG(st.is_variable, "input 4 (state): must be a variable tensor");
  state->activation = options.activation;

  if (input.type == ir::DataType::kFloat32) {
    if (wf.type == ir::DataType::kInt8 || wf.type == ir::DataType::kUInt8) {
      return UnimplementedError("hybrid SVDF (float input, quantized weights) not implemented");
    }
    VKD_RETURN_IF_ERROR(CheckType(wf, ir::DataType::kFloat32, "input 1 (weights_feature)"));
    VKD_RETURN_IF_ERROR(CheckType(wt, ir::DataType::kFloat32, "input 2 (weights_time)"));
    if (ctx.has_input(kBias)) {
      VKD_RETURN_IF_ERROR(CheckType(ctx.input(kBias), ir::DataType::kFloat32, "input 3 (bias)"));
    }
    VKD_RETURN_IF_ERROR(CheckType(st, ir::DataType::kFloat32, "input 4 (state)"));
    VKD_RETURN_IF_ERROR(CheckType(output, ir::DataType::kFloat32, "output 0"));
    state->scratch.resize(static_cast<size_t>(s.batches) * s.num_filters);
  } else if (input.type == ir::DataType::kInt8) {
    VKD_RETURN_IF_ERROR(CheckType(wf, ir::DataType::kInt8, "input 1 (weights_feature)"));
    VKD_RETURN_IF_ERROR(CheckType(wt, ir::DataType::kInt16, "input 2 (weights_time)"));
    if (ctx.has_input(kBias)) {
      VKD_RETURN_IF_ERROR(CheckType(ctx.input(kBias), ir::DataType::kInt32, "input 3 (bias)"));
    }
    VKD_RETURN_IF_ERROR(CheckType(st, ir::DataType::kInt16, "input 4 (state)"));
    VKD_RETURN_IF_ERROR(CheckType(output, ir::DataType::kInt8, "output 0"));
    // TFLite's integer SVDF takes only RELU (and then does not apply it).
    if (options.activation != ir::Activation::kRelu) {
      return UnimplementedError(std::string("int8 SVDF: fused activation ") +
                                ir::ActivationName(options.activation) +
                                " unsupported (TFLite takes only RELU)");
    }
    QuantParams in_q, wf_q, wt_q, st_q, out_q;
    VKD_RETURN_IF_ERROR(GetQuantParams(input, "input 0", &in_q));
    VKD_RETURN_IF_ERROR(GetQuantParams(wf, "input 1 (weights_feature)", &wf_q));
    VKD_RETURN_IF_ERROR(GetQuantParams(wt, "input 2 (weights_time)", &wt_q));
    VKD_RETURN_IF_ERROR(GetQuantParams(st, "input 4 (state)", &st_q));
    VKD_RETURN_IF_ERROR(GetQuantParams(output, "output 0", &out_q));
    VKD_CHECK_ARG(in_q.zero_point >= -128 && in_q.zero_point <= 127,
                  "input 0: zero point " + Str(in_q.zero_point) + " outside int8");
    VKD_CHECK_ARG(out_q.zero_point >= -128 && out_q.zero_point <= 127,
                  "output 0: zero point " + Str(out_q.zero_point) + " outside int8");
    // The scales multiply in float, as TFLite's Prepare does, before widening.
    const double scale_1 = static_cast<double>(in_q.scale * wf_q.scale / st_q.scale);
    const double scale_2 = static_cast<double>(st_q.scale * wt_q.scale / out_q.scale);
    const QuantizedMultiplier m1 = QuantizeMultiplier(scale_1);
    const QuantizedMultiplier m2 = QuantizeMultiplier(scale_2);
    state->params.input_zero_point = in_q.zero_point;
    state->params.output_zero_point = out_q.zero_point;
    state->params.multiplier_1 = m1.multiplier;
    state->params.shift_1 = m1.shift;
    state->params.multiplier_2 = m2.multiplier;
    state->params.shift_2 = m2.shift;
    state->integer = true;
    state->scratch_int.resize(static_cast<size_t>(s.batches) * s.num_filters);
    state->scratch_out.resize(static_cast<size_t>(s.batches) * s.num_units);
  } else {
    return UnsupportedType("input 0", input.type);
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status Eval(KernelContext& ctx) {
  SvdfState* state = ctx.state_as<SvdfState>();
  // The state is an input the kernel writes: TFLite's GetVariableInput.
  if (state->integer) {
    ref::SvdfInt8(state->shape, state->params, ctx.input_data<int8_t>(kInput),
                  ctx.input_data<int8_t>(kWeightsFeature), ctx.input_data<int16_t>(kWeightsTime),
                  ctx.has_input(kBias) ? ctx.input_data<int32_t>(kBias) : nullptr,
                  const_cast<int16_t*>(ctx.input_data<int16_t>(kState)), state->scratch_int.data(),
                  state->scratch_out.data(), ctx.output_data<int8_t>(0));
  } else {
    ref::SvdfFloat(state->shape, ctx.input_data<float>(kInput),
                   ctx.input_data<float>(kWeightsFeature), ctx.input_data<float>(kWeightsTime),
                   ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr, state->activation,
                   const_cast<float*>(ctx.input_data<float>(kState)), state->scratch.data(),
                   ctx.output_data<float>(0));
  }
  return Status::Ok();
}

}  // namespace

void RegisterSvdfKernels(KernelTable& table) { table.Add(ir::OpType::kSvdf, {Prepare, Eval}); }

}  // namespace vkd::cpu
