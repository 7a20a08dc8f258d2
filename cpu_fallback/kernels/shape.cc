// Shape and data-movement ops: RESHAPE, SQUEEZE and EXPAND_DIMS (a copy; any
// fixed-size type), PAD and PADV2 (float32, int8, uint8, int32, int64),
// CONCATENATION (float32, int8, uint8, int32, int64; uint8 inputs are
// requantized to the output's parameters as TFLite 2.9 does, int8 ones must
// share them, as TFLite 2.9 requires).
// Output shapes (and the checks of RESHAPE's shape, PAD's paddings, SQUEEZE's
// dims, EXPAND_DIMS' axis, CONCATENATION's axis) are the ops' shape rules (ops/shape_rules.h).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/optimized/pad.h"
#include "cpu_fallback/qshape_util.h"
#include "cpu_fallback/reference/concatenation.h"
#include "cpu_fallback/reference/pad.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

Status CheckOneOutput(const KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  return Status::Ok();
}

Status CheckSameType(const KernelContext& ctx) {
  if (ctx.output(0).type != ctx.input(0).type) {
    return InvalidArgumentError(std::string("output 0: type ") +
                                ir::DataTypeName(ctx.output(0).type) + " differs from input 0's " +
                                ir::DataTypeName(ctx.input(0).type));
  }
  return Status::Ok();
}

// --- RESHAPE, SQUEEZE: the output is the input's bytes under a new shape. ---

Status PrepareCopyCheck(const KernelContext& ctx) {
  const ir::Tensor& in = ctx.input(0);
  if (ir::DataTypeSize(in.type) == 0) return UnimplementedError(TypeMismatch("input 0", in.type));
  return CheckSameType(ctx);
}

Status PrepareReshape(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() >= 1 && ctx.num_inputs() <= 2 && ctx.has_input(0),
                "expected 1 or 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  return ctx.ApplyShapeRule();
}

Status PrepareSqueeze(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  return ctx.ApplyShapeRule();
}

Status PrepareExpandDims(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, axis), got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  return ctx.ApplyShapeRule();
}

Status EvalCopy(KernelContext& ctx) {
  const uint8_t* in = ctx.input_data<uint8_t>(0);
  uint8_t* out = ctx.output_data<uint8_t>(0);
  // The interpreter may alias the output with the input for these ops.
  if (in != out) std::memcpy(out, in, ctx.input(0).bytes());
  return Status::Ok();
}

// --- PAD, PADV2 ---

struct PadState : KernelState {
  ref::PadParams params;
  bool has_value_input = false;  // PADV2 with constant_values
  // PAD of int8/uint8 pads with the output's zero point (quantized 0).
  uint8_t zero_point_bits = 0;
};

Status PreparePad(KernelContext& ctx) {
  VKD_CHECK_ARG(
      ctx.num_inputs() >= 2 && ctx.num_inputs() <= 3 && ctx.has_input(0) && ctx.has_input(1),
      "expected 2 or 3 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& paddings = ctx.input(1);
  if (in.type != ir::DataType::kFloat32 && in.type != ir::DataType::kInt32 &&
      in.type != ir::DataType::kInt64 && !Is8BitQuantized(in.type)) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  VKD_RETURN_IF_ERROR(CheckSameType(ctx));
  const int rank = static_cast<int>(in.shape.size());
  if (rank > ref::kMaxPadRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " above the supported " +
                              std::to_string(ref::kMaxPadRank));
  }
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());

  auto state = std::make_unique<PadState>();
  ref::PadParams& p = state->params;
  p.rank = rank;
  for (int d = 0; d < rank; ++d) p.in_dims[d] = in.shape[d];
  VKD_RETURN_IF_ERROR(ops::ReadPaddings(paddings, rank, p.before, p.after));
  if (ctx.has_input(2)) {
    const ir::Tensor& value = ctx.input(2);
    if (value.type != in.type) {
      return InvalidArgumentError(std::string("input 2 (constant_values): type ") +
                                  ir::DataTypeName(value.type) + " differs from input 0's " +
                                  ir::DataTypeName(in.type));
    }
    if (value.num_elements() != 1) {
      return InvalidArgumentError("input 2 (constant_values): shape " +
                                  ir::ShapeToString(value.shape) + " is not a single value");
    }
    // TFLite: the pad value must be in the output's quantized units.
    VKD_RETURN_IF_ERROR(
        CheckSameQuantParams(value, "input 2 (constant_values)", ctx.output(0), "output 0"));
    state->has_value_input = true;
  }
  if (Is8BitQuantized(in.type)) {
    QuantParams in_q, out_q;
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input 0", &in_q));
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ctx.output(0), "output 0", &out_q));
    state->zero_point_bits = static_cast<uint8_t>(out_q.zero_point);
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

// T: the element's bits (uint8_t, uint32_t, uint64_t).
template <typename T>
void EvalPadTyped(KernelContext& ctx, const PadState& s, T default_value) {
  const T pad_value = s.has_value_input ? *ctx.input_data<T>(2) : default_value;
  const T* in = ctx.input_data<T>(0);
  T* out = ctx.output_data<T>(0);
  if (ctx.use_reference()) {
    ref::Pad(s.params, in, pad_value, out);
  } else {
    opt::Pad(s.params, in, pad_value, out);
  }
}

Status EvalPad(KernelContext& ctx) {
  const auto& s = *ctx.state_as<PadState>();
  // Types of one size share a path; 0.0f and 0 have the same bits.
  switch (ir::DataTypeSize(ctx.input(0).type)) {
    case 1:
      EvalPadTyped<uint8_t>(ctx, s, s.zero_point_bits);
      break;
    case 8:
      EvalPadTyped<uint64_t>(ctx, s, 0);
      break;
    default:
      EvalPadTyped<uint32_t>(ctx, s, 0);
      break;
  }
  return Status::Ok();
}

// --- CONCATENATION ---

struct ConcatState : KernelState {
  int64_t outer = 1;
  std::vector<size_t> slab_bytes;
  std::vector<const uint8_t*> inputs;  // refilled each Eval, sized in Prepare
  float act_min = 0, act_max = 0;
  bool clamp = false;
  // uint8 with an input to requantize: per-input copy flag / scale / bias.
  bool requantize = false;
  std::vector<ref::ConcatRequant> requant;
  std::vector<size_t> slab_elements;
  int32_t out_zero_point = 0;
};

// int8/uint8 parameters. TFLite 2.9 requantizes uint8 inputs whose
// parameters differ from the output's (ConcatenationWithScaling) and
// refuses differing int8 ones in Prepare.
Status PrepareConcatQuantized(KernelContext& ctx, ConcatState* state) {
  QuantParams out_q;
  VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ctx.output(0), "output 0", &out_q));
  state->out_zero_point = out_q.zero_point;
  const float inverse_out_scale = 1.0f / out_q.scale;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const std::string what = "input " + std::to_string(i);
    QuantParams q;
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ctx.input(i), what, &q));
    ref::ConcatRequant r;
    r.copy = q.scale == out_q.scale && q.zero_point == out_q.zero_point;
    if (!r.copy && ctx.input(i).type == ir::DataType::kInt8) {
      return CheckSameQuantParams(ctx.input(i), what, ctx.output(0), "output 0");
    }
    r.scale = q.scale * inverse_out_scale;
    r.bias = static_cast<float>(-q.zero_point) * r.scale;
    state->requantize |= !r.copy;
    state->requant.push_back(r);
    state->slab_elements.push_back(state->slab_bytes[i]);  // 1-byte elements
  }
  return Status::Ok();
}

Status PrepareConcat(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() >= 1, "expected at least 1 input");
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  const ir::Tensor& t0 = ctx.input(0);
  if (t0.type != ir::DataType::kFloat32 && t0.type != ir::DataType::kInt32 &&
      t0.type != ir::DataType::kInt64 && !Is8BitQuantized(t0.type)) {
    return UnimplementedError(TypeMismatch("input 0", t0.type));
  }
  VKD_RETURN_IF_ERROR(CheckSameType(ctx));
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const auto opts = ctx.options<ir::ConcatenationOptions>();
  const int rank = static_cast<int>(t0.shape.size());
  // In range: the shape rule checked it.
  const int axis = opts.axis < 0 ? opts.axis + rank : opts.axis;
  auto state = std::make_unique<ConcatState>();
  // TFLite 2.9 rejects a fused activation here; we apply the float clamp
  // rather than fail, as the GPU path does.
  VKD_RETURN_IF_ERROR(CheckFusedActivation(opts.activation));
  if (opts.activation != ir::Activation::kNone) {
    if (t0.type != ir::DataType::kFloat32) {
      return UnimplementedError(std::string("fused activation ") +
                                ir::ActivationName(opts.activation) + " on " +
                                ir::DataTypeName(t0.type));
    }
    GetActivationRange(opts.activation, &state->act_min, &state->act_max);
    state->clamp = true;
  }
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const ir::Tensor& t = ctx.input(i);
    if (t.type != t0.type) {
      return InvalidArgumentError("input " + std::to_string(i) + ": type " +
                                  ir::DataTypeName(t.type) + " differs from input 0's " +
                                  ir::DataTypeName(t0.type));
    }
    int64_t slab = 1;
    for (int d = axis; d < rank; ++d) slab *= t.shape[d];
    state->slab_bytes.push_back(static_cast<size_t>(slab) * ir::DataTypeSize(t.type));
  }
  for (int d = 0; d < axis; ++d) state->outer *= t0.shape[d];
  state->inputs.resize(ctx.num_inputs());
  if (Is8BitQuantized(t0.type)) VKD_RETURN_IF_ERROR(PrepareConcatQuantized(ctx, state.get()));
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status EvalConcat(KernelContext& ctx) {
  auto& s = *ctx.state_as<ConcatState>();
  for (int i = 0; i < ctx.num_inputs(); ++i) s.inputs[i] = ctx.input_data<uint8_t>(i);
  if (s.requantize) {
    ref::ConcatenateRequantized(s.inputs.data(), s.slab_elements.data(), s.requant.data(),
                                ctx.num_inputs(), s.outer, s.out_zero_point,
                                ctx.output_data<uint8_t>(0));
    return Status::Ok();
  }
  ref::Concatenate(s.inputs.data(), s.slab_bytes.data(), ctx.num_inputs(), s.outer,
                   ctx.output_data<uint8_t>(0));
  if (s.clamp) {
    float* out = ctx.output_data<float>(0);
    const int64_t n = ctx.output(0).num_elements();
    for (int64_t i = 0; i < n; ++i) out[i] = ClampActivation(out[i], s.act_min, s.act_max);
  }
  return Status::Ok();
}

}  // namespace

void RegisterShapeKernels(KernelTable& table) {
  table.Add(ir::OpType::kReshape, {PrepareReshape, EvalCopy});
  table.Add(ir::OpType::kSqueeze, {PrepareSqueeze, EvalCopy});
  table.Add(ir::OpType::kExpandDims, {PrepareExpandDims, EvalCopy});
  table.Add(ir::OpType::kPad, {PreparePad, EvalPad});
  table.Add(ir::OpType::kPadv2, {PreparePad, EvalPad});
  table.Add(ir::OpType::kConcatenation, {PrepareConcat, EvalConcat});
}

}  // namespace vkd::cpu
