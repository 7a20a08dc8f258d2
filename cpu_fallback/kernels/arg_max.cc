// ARG_MAX and ARG_MIN: float32, int8, uint8 and int32 input, int32 or int64
// output, over one axis given as a constant int32/int64 tensor (the CPU
// interpreter fixes shapes in Prepare; the output shape is the op's shape
// rule, ops/shape_rules.h). As TFLite 2.9: the first index of
// the extreme value wins ties; quantized inputs are compared as stored
// (the scale is positive, so the order is the real order).
#include <cstdint>
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

struct ArgState : KernelState {
  int64_t outer = 1, axis_size = 1, inner = 1;
};

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, axis), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& axis = ctx.input(1);
  const ir::Tensor& out = ctx.output(0);
  switch (in.type) {
    case ir::DataType::kFloat32:
    case ir::DataType::kInt8:
    case ir::DataType::kUInt8:
    case ir::DataType::kInt32:
      break;
    default:
      return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  if (out.type != ir::DataType::kInt32 && out.type != ir::DataType::kInt64) {
    return InvalidArgumentError(TypeMismatch("output 0 (must be INT32 or INT64)", out.type));
  }
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  // The axis the rule has checked.
  const int rank = static_cast<int>(in.shape.size());
  int a = 0;
  VKD_RETURN_IF_ERROR(ops::ReadConstantAxis(axis, in.shape, rank, &a));
  auto state = std::make_unique<ArgState>();
  for (int d = 0; d < a; ++d) state->outer *= in.shape[d];
  for (int d = a + 1; d < rank; ++d) state->inner *= in.shape[d];
  state->axis_size = in.shape[a];
  // An empty axis has no extreme to index.
  if (state->axis_size == 0) {
    return InvalidArgumentError("input 0: axis " + std::to_string(a) + " of " +
                                ir::ShapeToString(in.shape) + " is empty");
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

// Walks the axis with the inner dimension innermost, so the comparisons of
// neighbouring outputs vectorize; a strict comparison keeps the first index.
template <bool kMax, typename T, typename I>
void ArgExtreme(const ArgState& s, const T* in, I* out) {
  for (int64_t o = 0; o < s.outer; ++o) {
    const T* block = in + o * s.axis_size * s.inner;
    I* dst = out + o * s.inner;
    for (int64_t i = 0; i < s.inner; ++i) dst[i] = 0;
    for (int64_t k = 1; k < s.axis_size; ++k) {
      const T* row = block + k * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) {
        const T best = block[static_cast<int64_t>(dst[i]) * s.inner + i];
        if (kMax ? row[i] > best : row[i] < best) dst[i] = static_cast<I>(k);
      }
    }
  }
}

template <bool kMax, typename T>
void EvalTyped(KernelContext& ctx, const ArgState& s) {
  const T* in = ctx.input_data<T>(0);
  if (ctx.output(0).type == ir::DataType::kInt32) {
    ArgExtreme<kMax>(s, in, ctx.output_data<int32_t>(0));
  } else {
    ArgExtreme<kMax>(s, in, ctx.output_data<int64_t>(0));
  }
}

// One form serves as reference and optimized: a single pass over the input.
template <bool kMax>
Status Eval(KernelContext& ctx) {
  const ArgState& s = *ctx.state_as<ArgState>();
  switch (ctx.input(0).type) {
    case ir::DataType::kFloat32:
      EvalTyped<kMax, float>(ctx, s);
      break;
    case ir::DataType::kInt8:
      EvalTyped<kMax, int8_t>(ctx, s);
      break;
    case ir::DataType::kUInt8:
      EvalTyped<kMax, uint8_t>(ctx, s);
      break;
    default:
      EvalTyped<kMax, int32_t>(ctx, s);
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterArgMaxKernels(KernelTable& table) {
  table.Add(ir::OpType::kArgMax, {Prepare, Eval<true>});
  table.Add(ir::OpType::kArgMin, {Prepare, Eval<false>});
}

}  // namespace vkd::cpu
