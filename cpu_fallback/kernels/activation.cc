// Standalone activations, float32: LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
// LEAKY_RELU, HARD_SWISH, and PRELU (alpha broadcast against the input).
// Quantized types are a later issue.
#include "cpu_fallback/reference/activation.h"

#include <limits>
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/optimized/elementwise.h"
#include "cpu_fallback/reference/elementwise.h"

namespace vkd::cpu {
namespace {

enum class Unary { kLogistic, kTanh, kRelu, kRelu6, kReluN1To1, kLeakyRelu, kHardSwish };

struct UnaryState : KernelState {
  float alpha = 0;  // LEAKY_RELU only
};

Status CheckFloatType(const char* what, ir::DataType type) {
  if (type == ir::DataType::kFloat32) return Status::Ok();
  return UnsupportedType(what, type);
}

Status PrepareUnary(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  VKD_RETURN_IF_ERROR(CheckFloatType("input 0", ctx.input(0).type));
  VKD_RETURN_IF_ERROR(CheckFloatType("output 0", ctx.output(0).type));
  ctx.output(0).shape = ctx.input(0).shape;
  auto state = std::make_unique<UnaryState>();
  state->alpha = ctx.options<ir::LeakyReluOptions>().alpha;
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <Unary kOp>
void RunUnary(const float* in, float* out, int64_t n, float alpha) {
  switch (kOp) {
    case Unary::kLogistic:
      return ref::Logistic(in, out, n);
    case Unary::kTanh:
      return ref::Tanh(in, out, n);
    case Unary::kRelu:
      return ref::Clamp(in, out, n, 0.0f, std::numeric_limits<float>::max());
    case Unary::kRelu6:
      return ref::Clamp(in, out, n, 0.0f, 6.0f);
    case Unary::kReluN1To1:
      return ref::Clamp(in, out, n, -1.0f, 1.0f);
    case Unary::kLeakyRelu:
      return ref::LeakyRelu(in, out, n, alpha);
    case Unary::kHardSwish:
      return ref::HardSwish(in, out, n);
  }
}

template <Unary kOp>
Status EvalUnary(KernelContext& ctx) {
  struct Job {
    const float* in;
    float* out;
    float alpha;
  };
  const Job job{ctx.input_data<float>(0), ctx.output_data<float>(0),
                ctx.state_as<UnaryState>()->alpha};
  const int64_t n = ctx.input(0).num_elements();
  if (ctx.use_reference()) {
    RunUnary<kOp>(job.in, job.out, n, job.alpha);
    return Status::Ok();
  }
  // The loops are the reference ones (they vectorize as written, but for the
  // exp/tanh calls); the optimized form only splits them across threads.
  const int64_t min_chunk = kOp == Unary::kLogistic || kOp == Unary::kTanh ? 4096 : 32768;
  ctx.pool().ParallelFor(n, min_chunk, [&job](int64_t b, int64_t e) {
    RunUnary<kOp>(job.in + b, job.out + b, e - b, job.alpha);
  });
  return Status::Ok();
}

// PRELU: out = x >= 0 ? x : x * alpha, alpha broadcast NumPy-style (TFLite
// broadcasts the output shape from both, too).
struct PreluState : KernelState {
  ref::BroadcastPlan ref_plan;
  ref::BroadcastPlan opt_plan;
};

Status PreparePrelu(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, alpha), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& alpha = ctx.input(1);
  VKD_RETURN_IF_ERROR(CheckFloatType("input 0", in.type));
  VKD_RETURN_IF_ERROR(CheckFloatType("input 1", alpha.type));
  VKD_RETURN_IF_ERROR(CheckFloatType("output 0", ctx.output(0).type));
  for (int i = 0; i < 2; ++i) {
    const size_t rank = ctx.input(i).shape.size();
    if (rank > static_cast<size_t>(ref::kMaxBroadcastRank)) {
      return UnimplementedError("input " + std::to_string(i) + ": rank " + std::to_string(rank) +
                                " above the supported " + std::to_string(ref::kMaxBroadcastRank));
    }
  }
  ir::Tensor& out = ctx.output(0);
  VKD_ASSIGN_OR_RETURN(out.shape, ref::BroadcastShapes(in.shape, alpha.shape));
  auto state = std::make_unique<PreluState>();
  state->ref_plan = ref::MakeBroadcastPlan(in.shape, alpha.shape, out.shape);
  state->opt_plan = opt::CollapseBroadcastPlan(state->ref_plan);
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status EvalPrelu(KernelContext& ctx) {
  const auto& s = *ctx.state_as<PreluState>();
  constexpr float kLo = std::numeric_limits<float>::lowest();
  constexpr float kHi = std::numeric_limits<float>::max();
  const float* in = ctx.input_data<float>(0);
  const float* alpha = ctx.input_data<float>(1);
  float* out = ctx.output_data<float>(0);
  if (ctx.use_reference()) {
    ref::BinaryElementwise<float>(ref::BinaryOp::kPrelu, s.ref_plan, in, alpha, out, kLo, kHi);
  } else {
    opt::BinaryElementwise<float>(ref::BinaryOp::kPrelu, s.opt_plan, in, alpha, out, kLo, kHi,
                                  ctx.pool());
  }
  return Status::Ok();
}

}  // namespace

void RegisterActivationKernels(KernelTable& table) {
  table.Add(ir::OpType::kLogistic, {PrepareUnary, EvalUnary<Unary::kLogistic>});
  table.Add(ir::OpType::kTanh, {PrepareUnary, EvalUnary<Unary::kTanh>});
  table.Add(ir::OpType::kRelu, {PrepareUnary, EvalUnary<Unary::kRelu>});
  table.Add(ir::OpType::kRelu6, {PrepareUnary, EvalUnary<Unary::kRelu6>});
  table.Add(ir::OpType::kReluN1To1, {PrepareUnary, EvalUnary<Unary::kReluN1To1>});
  table.Add(ir::OpType::kLeakyRelu, {PrepareUnary, EvalUnary<Unary::kLeakyRelu>});
  table.Add(ir::OpType::kHardSwish, {PrepareUnary, EvalUnary<Unary::kHardSwish>});
  table.Add(ir::OpType::kPrelu, {PreparePrelu, EvalPrelu});
}

}  // namespace vkd::cpu
