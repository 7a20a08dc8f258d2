// Shape and data-movement ops: RESHAPE, SQUEEZE and EXPAND_DIMS (a copy; any
// fixed-size type), PAD and PADV2 (float32, int8, uint8, int32, int64),
// CONCATENATION (float32, int8, uint8, int32, int64; uint8 inputs are
// requantized to the output's parameters as TFLite 2.9 does, int8 ones must
// share them, as TFLite 2.9 requires).
// Shape-defining inputs (RESHAPE's shape, PAD's paddings) must be constant:
// the CPU interpreter fixes every shape in Prepare.
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

// TFLite's rule: the 2nd input is the shape when it is a 1-D int32 tensor;
// otherwise the shape comes from the options.
StatusOr<ir::Shape> ReshapeTarget(const KernelContext& ctx) {
  if (ctx.has_input(1)) {
    const ir::Tensor& shape = ctx.input(1);
    if (shape.shape.size() == 1 && shape.type == ir::DataType::kInt32) {
      if (!shape.is_constant()) return UnimplementedError("input 1 (shape) must be constant");
      const int32_t* v = shape.const_data<int32_t>();
      return ir::Shape(v, v + shape.num_elements());
    }
  }
  const auto opts = ctx.options<ir::ReshapeOptions>();
  if (!opts.has_new_shape && !ctx.has_input(1)) {
    return InvalidArgumentError("no target shape: neither a shape input nor new_shape option");
  }
  if (!opts.has_new_shape) {
    return InvalidArgumentError(
        "input 1 (shape): " + std::string(ir::DataTypeName(ctx.input(1).type)) + " " +
        ir::ShapeToString(ctx.input(1).shape) +
        " is not a 1-D INT32 tensor, and there is no new_shape option");
  }
  // Legacy converters wrote [0] for a scalar.
  if (opts.new_shape.size() == 1 && opts.new_shape[0] == 0) return ir::Shape{};
  return ir::Shape(opts.new_shape);
}

Status PrepareReshape(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() >= 1 && ctx.num_inputs() <= 2 && ctx.has_input(0),
                "expected 1 or 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  VKD_ASSIGN_OR_RETURN(ir::Shape shape, ReshapeTarget(ctx));
  const int64_t in_count = ctx.input(0).num_elements();
  int64_t known = 1;
  int stretch = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (stretch != -1) {
        return InvalidArgumentError("target shape " + ir::ShapeToString(shape) +
                                    " has more than one -1");
      }
      stretch = static_cast<int>(i);
    } else if (shape[i] < 0) {
      return InvalidArgumentError("target shape " + ir::ShapeToString(shape) +
                                  " has a negative dimension");
    } else {
      known *= shape[i];
    }
  }
  if (stretch != -1) {
    if (known == 0 || in_count % known != 0) {
      return InvalidArgumentError("cannot infer the -1 of " + ir::ShapeToString(shape) +
                                  " from input " + ir::ShapeToString(ctx.input(0).shape));
    }
    shape[stretch] = static_cast<int32_t>(in_count / known);
    known *= shape[stretch];
  }
  if (known != in_count) {
    return InvalidArgumentError("target shape " + ir::ShapeToString(shape) + " holds " +
                                std::to_string(known) + " elements, input " +
                                ir::ShapeToString(ctx.input(0).shape) + " holds " +
                                std::to_string(in_count));
  }
  ctx.output(0).shape = shape;
  return Status::Ok();
}

Status PrepareSqueeze(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  const ir::Shape& in = ctx.input(0).shape;
  const int rank = static_cast<int>(in.size());
  const auto opts = ctx.options<ir::SqueezeOptions>();
  std::vector<bool> squeeze(rank, false);
  if (opts.squeeze_dims.empty()) {
    for (int d = 0; d < rank; ++d) squeeze[d] = in[d] == 1;
  } else {
    for (int32_t dim : opts.squeeze_dims) {
      const int d = dim < 0 ? dim + rank : dim;
      if (d < 0 || d >= rank || in[d] != 1) {
        return InvalidArgumentError("squeeze_dims " + std::to_string(dim) +
                                    " is not a size-1 dimension of " + ir::ShapeToString(in));
      }
      squeeze[d] = true;
    }
  }
  ir::Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!squeeze[d]) out.push_back(in[d]);
  }
  ctx.output(0).shape = out;
  return Status::Ok();
}

Status PrepareExpandDims(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, axis), got " + std::to_string(ctx.num_inputs()));
  VKD_RETURN_IF_ERROR(CheckOneOutput(ctx));
  VKD_RETURN_IF_ERROR(PrepareCopyCheck(ctx));
  const ir::Tensor& axis = ctx.input(1);
  const ir::Shape& in = ctx.input(0).shape;
  int a = 0;
  VKD_RETURN_IF_ERROR(ReadConstantAxis(axis, in, static_cast<int>(in.size()) + 1, &a));
  ir::Shape out = in;
  out.insert(out.begin() + a, 1);
  ctx.output(0).shape = out;
  return Status::Ok();
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

template <typename I>
Status ReadPaddings(const ir::Tensor& paddings, ref::PadParams* p) {
  const I* v = paddings.const_data<I>();
  for (int d = 0; d < p->rank; ++d) {
    const I before = v[2 * d], after = v[2 * d + 1];
    if (before < 0 || after < 0) {
      return InvalidArgumentError("input 1: negative padding (" + std::to_string(before) + ", " +
                                  std::to_string(after) + ") for dimension " + std::to_string(d));
    }
    p->before[d] = static_cast<int64_t>(before);
    p->after[d] = static_cast<int64_t>(after);
  }
  return Status::Ok();
}

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
  if (paddings.type != ir::DataType::kInt32 && paddings.type != ir::DataType::kInt64) {
    return UnimplementedError(TypeMismatch("input 1 (paddings)", paddings.type));
  }
  if (paddings.shape != ir::Shape{rank, 2}) {
    return InvalidArgumentError("input 1 (paddings): shape " + ir::ShapeToString(paddings.shape) +
                                " is not [" + std::to_string(rank) + ",2]");
  }
  if (!paddings.is_constant()) return UnimplementedError("input 1 (paddings) must be constant");

  auto state = std::make_unique<PadState>();
  ref::PadParams& p = state->params;
  p.rank = rank;
  for (int d = 0; d < rank; ++d) p.in_dims[d] = in.shape[d];
  VKD_RETURN_IF_ERROR(paddings.type == ir::DataType::kInt32 ? ReadPaddings<int32_t>(paddings, &p)
                                                            : ReadPaddings<int64_t>(paddings, &p));
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
  ir::Shape out(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t size = p.before[d] + p.in_dims[d] + p.after[d];
    if (size > INT32_MAX)
      return InvalidArgumentError("padded dimension " + std::to_string(d) + " exceeds INT32_MAX");
    out[d] = static_cast<int32_t>(size);
  }
  ctx.output(0).shape = out;
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
  const auto opts = ctx.options<ir::ConcatenationOptions>();
  const int rank = static_cast<int>(t0.shape.size());
  const int axis = opts.axis < 0 ? opts.axis + rank : opts.axis;
  if (axis < 0 || axis >= rank) {
    return InvalidArgumentError("axis " + std::to_string(opts.axis) + " out of range for rank " +
                                std::to_string(rank));
  }
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
  ir::Shape out = t0.shape;
  out[axis] = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return InvalidArgumentError("input " + std::to_string(i) + " missing");
    const ir::Tensor& t = ctx.input(i);
    if (t.type != t0.type) {
      return InvalidArgumentError("input " + std::to_string(i) + ": type " +
                                  ir::DataTypeName(t.type) + " differs from input 0's " +
                                  ir::DataTypeName(t0.type));
    }
    bool match = t.shape.size() == t0.shape.size();
    for (int d = 0; match && d < rank; ++d) match = d == axis || t.shape[d] == t0.shape[d];
    if (!match) {
      return InvalidArgumentError("input " + std::to_string(i) + ": shape " +
                                  ir::ShapeToString(t.shape) + " does not match input 0's " +
                                  ir::ShapeToString(t0.shape) + " outside axis " +
                                  std::to_string(axis));
    }
    out[axis] += t.shape[axis];
    int64_t slab = 1;
    for (int d = axis; d < rank; ++d) slab *= t.shape[d];
    state->slab_bytes.push_back(static_cast<size_t>(slab) * ir::DataTypeSize(t.type));
  }
  for (int d = 0; d < axis; ++d) state->outer *= t0.shape[d];
  state->inputs.resize(ctx.num_inputs());
  if (Is8BitQuantized(t0.type)) VKD_RETURN_IF_ERROR(PrepareConcatQuantized(ctx, state.get()));
  ctx.output(0).shape = out;
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
