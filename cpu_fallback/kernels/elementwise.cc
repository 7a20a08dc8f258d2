// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE: float32 and (but
// DIV) int32, with NumPy broadcasting up to 6-D and TFLite's fused activation
// clamp. Quantized types are a later issue.
#include "cpu_fallback/optimized/elementwise.h"

#include <limits>
#include <memory>
#include <string>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/reference/elementwise.h"

namespace vkd::cpu {
namespace {

using ref::BinaryOp;

struct ElementwiseState : KernelState {
  BinaryOp op = BinaryOp::kAdd;
  ref::BroadcastPlan ref_plan;  // 6-D, for the reference loops
  ref::BroadcastPlan opt_plan;  // collapsed
  float min_f = 0, max_f = 0;
  int32_t min_i = 0, max_i = 0;
};

// TFLite's CalculateActivationRange<int32_t>: like the float one, the full
// range for every activation but the three RELUs.
void GetActivationRangeInt32(ir::Activation activation, int32_t* min, int32_t* max) {
  *min = std::numeric_limits<int32_t>::min();
  *max = std::numeric_limits<int32_t>::max();
  switch (activation) {
    case ir::Activation::kRelu:
      *min = 0;
      return;
    case ir::Activation::kRelu6:
      *min = 0;
      *max = 6;
      return;
    case ir::Activation::kReluN1To1:
      *min = -1;
      *max = 1;
      return;
    default:
      return;
  }
}

// Ops that take ElementwiseOptions (and so a fused activation).
constexpr bool HasActivation(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kSub || op == BinaryOp::kMul ||
         op == BinaryOp::kDiv;
}

constexpr bool SupportsInt32(BinaryOp op) { return op != BinaryOp::kDiv; }

template <BinaryOp kOp>
Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& a = ctx.input(0);
  const ir::Tensor& b = ctx.input(1);
  ir::Tensor& out = ctx.output(0);
  if (b.type != a.type) {
    return InvalidArgumentError(std::string("input 1: type ") + ir::DataTypeName(b.type) +
                                " differs from input 0's " + ir::DataTypeName(a.type));
  }
  if (out.type != a.type) {
    return InvalidArgumentError(std::string("output 0: type ") + ir::DataTypeName(out.type) +
                                " differs from the inputs' " + ir::DataTypeName(a.type));
  }
  const bool type_ok =
      a.type == ir::DataType::kFloat32 || (a.type == ir::DataType::kInt32 && SupportsInt32(kOp));
  if (!type_ok) {
    return UnsupportedType("input 0", a.type);
  }
  for (int i = 0; i < 2; ++i) {
    const ir::Shape& s = ctx.input(i).shape;
    if (s.size() > static_cast<size_t>(ref::kMaxBroadcastRank)) {
      return UnimplementedError("input " + std::to_string(i) + ": rank " +
                                std::to_string(s.size()) + " above the supported " +
                                std::to_string(ref::kMaxBroadcastRank));
    }
  }
  VKD_ASSIGN_OR_RETURN(out.shape, ref::BroadcastShapes(a.shape, b.shape));

  auto state = std::make_unique<ElementwiseState>();
  state->op = kOp;
  state->ref_plan = ref::MakeBroadcastPlan(a.shape, b.shape, out.shape);
  state->opt_plan = opt::CollapseBroadcastPlan(state->ref_plan);
  ir::Activation activation = ir::Activation::kNone;
  if constexpr (HasActivation(kOp)) {
    activation = ctx.options<ir::ElementwiseOptions>().activation;
    VKD_RETURN_IF_ERROR(CheckFusedActivation(activation));
  }
  GetActivationRange(activation, &state->min_f, &state->max_f);
  GetActivationRangeInt32(activation, &state->min_i, &state->max_i);
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename T>
void EvalTyped(KernelContext& ctx, const ElementwiseState& s, T lo, T hi) {
  const T* a = ctx.input_data<T>(0);
  const T* b = ctx.input_data<T>(1);
  T* out = ctx.output_data<T>(0);
  if (ctx.use_reference()) {
    ref::BinaryElementwise<T>(s.op, s.ref_plan, a, b, out, lo, hi);
  } else {
    opt::BinaryElementwise<T>(s.op, s.opt_plan, a, b, out, lo, hi, ctx.pool());
  }
}

Status Eval(KernelContext& ctx) {
  const auto& s = *ctx.state_as<ElementwiseState>();
  if (ctx.input(0).type == ir::DataType::kFloat32) {
    EvalTyped<float>(ctx, s, s.min_f, s.max_f);
  } else {
    EvalTyped<int32_t>(ctx, s, s.min_i, s.max_i);
  }
  return Status::Ok();
}

}  // namespace

void RegisterElementwiseKernels(KernelTable& table) {
  table.Add(ir::OpType::kAdd, {Prepare<BinaryOp::kAdd>, Eval});
  table.Add(ir::OpType::kSub, {Prepare<BinaryOp::kSub>, Eval});
  table.Add(ir::OpType::kMul, {Prepare<BinaryOp::kMul>, Eval});
  table.Add(ir::OpType::kDiv, {Prepare<BinaryOp::kDiv>, Eval});
  table.Add(ir::OpType::kMaximum, {Prepare<BinaryOp::kMaximum>, Eval});
  table.Add(ir::OpType::kMinimum, {Prepare<BinaryOp::kMinimum>, Eval});
  table.Add(ir::OpType::kSquaredDifference, {Prepare<BinaryOp::kSquaredDifference>, Eval});
}

}  // namespace vkd::cpu
