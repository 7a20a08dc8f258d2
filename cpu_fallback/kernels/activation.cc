// Standalone activations: LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
// LEAKY_RELU, HARD_SWISH for float32, int8 and uint8 (quantized forms in
// reference/quantized_activation.h); LOGISTIC and TANH for int16 too
// (reference/quantized_activation_int16.h); SQRT, RSQRT, EXP, SQUARE float32; PRELU
// float32 (alpha broadcast against the input).
#include "cpu_fallback/reference/activation.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/optimized/elementwise.h"
#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/elementwise.h"
#include "cpu_fallback/reference/quantized_activation.h"
#include "cpu_fallback/reference/quantized_activation_int16.h"
#include "ops/saturating_cast.h"

namespace vkd::cpu {
namespace {

enum class Unary {
  kLogistic,
  kTanh,
  kRelu,
  kRelu6,
  kReluN1To1,
  kLeakyRelu,
  kHardSwish,
  kSqrt,
  kRsqrt,
  kExp,
  kSquare
};

struct UnaryState : KernelState {
  float alpha = 0;  // LEAKY_RELU only
  // int8/uint8: the parameters of the op's quantized form.
  uint8_t table[256] = {};  // LOGISTIC, TANH
  ref::QuantizedReluParams relu;
  ref::QuantizedLeakyReluParams leaky;
  ref::QuantizedHardSwishParams hard_swish;
  ref::Int16ActivationParams int16;  // LOGISTIC, TANH on int16
};

constexpr bool HasQuantizedForm(Unary op) {
  return op != Unary::kSqrt && op != Unary::kRsqrt && op != Unary::kExp && op != Unary::kSquare;
}
constexpr bool HasInt16Form(Unary op) { return op == Unary::kLogistic || op == Unary::kTanh; }

// The real-valued function a LOGISTIC/TANH table samples, in float as TFLite's.
float LogisticOf(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float TanhOf(float x) { return std::tanh(x); }

template <Unary kOp>
Status PrepareQuantizedUnary(KernelContext& ctx, UnaryState* s) {
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& out = ctx.output(0);
  if (out.type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") + ir::DataTypeName(out.type) +
                                " differs from the input's " + ir::DataTypeName(in.type));
  }
  QuantParams qin, qout;
  VKD_RETURN_IF_ERROR(GetQuantParams(in, "input 0", &qin));
  VKD_RETURN_IF_ERROR(GetQuantParams(out, "output 0", &qout));
  const bool is_int8 = in.type == ir::DataType::kInt8;
  if constexpr (kOp == Unary::kLogistic || kOp == Unary::kTanh) {
    float (*fn)(float) = kOp == Unary::kLogistic ? LogisticOf : TanhOf;
    if (is_int8) {
      ref::PopulateLookupTable<int8_t>(qin, qout, fn, s->table);
    } else {
      ref::PopulateLookupTable<uint8_t>(qin, qout, fn, s->table);
    }
  } else if constexpr (kOp == Unary::kRelu || kOp == Unary::kRelu6 || kOp == Unary::kReluN1To1) {
    // TFLite's ReluPrepare / QuantizedReluX: the multiplier in double, the
    // bounds with roundf on the output scale, RELU unbounded above.
    ref::QuantizedReluParams& p = s->relu;
    p.input_zero_point = qin.zero_point;
    p.output_zero_point = qout.zero_point;
    const QuantizedMultiplier m =
        QuantizeMultiplier(static_cast<double>(qin.scale) / static_cast<double>(qout.scale));
    p.multiplier = m.multiplier;
    p.shift = m.shift;
    const float lo = kOp == Unary::kReluN1To1 ? -1.0f : 0.0f;
    const float hi = kOp == Unary::kRelu6 ? 6.0f : 1.0f;
    auto quantize = [&](float f) {
      return qout.zero_point + ops::SaturatingInt32(std::roundf(f / qout.scale));
    };
    p.act_min = std::max(QuantizedMin(in.type), quantize(lo));
    p.act_max =
        kOp == Unary::kRelu ? QuantizedMax(in.type) : std::min(QuantizedMax(in.type), quantize(hi));
  } else if constexpr (kOp == Unary::kLeakyRelu) {
    ref::QuantizedLeakyReluParams& p = s->leaky;
    p.input_zero_point = qin.zero_point;
    p.output_zero_point = qout.zero_point;
    const QuantizedMultiplier alpha = QuantizeMultiplier(static_cast<double>(qin.scale) * s->alpha /
                                                         static_cast<double>(qout.scale));
    const QuantizedMultiplier identity =
        QuantizeMultiplier(static_cast<double>(qin.scale) / static_cast<double>(qout.scale));
    p.alpha_multiplier = alpha.multiplier;
    p.alpha_shift = alpha.shift;
    p.identity_multiplier = identity.multiplier;
    p.identity_shift = identity.shift;
    p.q_min = QuantizedMin(in.type);
    p.q_max = QuantizedMax(in.type);
  } else if constexpr (kOp == Unary::kHardSwish) {
    VKD_RETURN_IF_ERROR(ref::MakeQuantizedHardSwishParams(qin, qout, &s->hard_swish));
  }
  return Status::Ok();
}

Status CheckFloatType(const char* what, ir::DataType type) {
  if (type == ir::DataType::kFloat32) return Status::Ok();
  return UnsupportedType(what, type);
}

template <Unary kOp>
Status PrepareUnary(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  auto state = std::make_unique<UnaryState>();
  state->alpha = ctx.options<ir::LeakyReluOptions>().alpha;
  const ir::DataType type = ctx.input(0).type;
  if (HasQuantizedForm(kOp) && (type == ir::DataType::kInt8 || type == ir::DataType::kUInt8)) {
    VKD_RETURN_IF_ERROR(PrepareQuantizedUnary<kOp>(ctx, state.get()));
  } else if (HasInt16Form(kOp) && type == ir::DataType::kInt16) {
    if (ctx.output(0).type != type) {
      return InvalidArgumentError(std::string("output 0: type ") +
                                  ir::DataTypeName(ctx.output(0).type) +
                                  " differs from the input's " + ir::DataTypeName(type));
    }
    QuantParams qin, qout;
    VKD_RETURN_IF_ERROR(GetQuantParams(ctx.input(0), "input 0", &qin));
    VKD_RETURN_IF_ERROR(GetQuantParams(ctx.output(0), "output 0", &qout));
    VKD_RETURN_IF_ERROR(
        ref::MakeInt16ActivationParams(kOp == Unary::kTanh, qin, qout, &state->int16));
  } else {
    VKD_RETURN_IF_ERROR(CheckFloatType("input 0", type));
    VKD_RETURN_IF_ERROR(CheckFloatType("output 0", ctx.output(0).type));
  }
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
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
    case Unary::kSqrt:
      for (int64_t i = 0; i < n; ++i) out[i] = std::sqrt(in[i]);
      return;
    case Unary::kRsqrt:
      for (int64_t i = 0; i < n; ++i) out[i] = 1.0f / std::sqrt(in[i]);
      return;
    case Unary::kExp:
      for (int64_t i = 0; i < n; ++i) out[i] = std::exp(in[i]);
      return;
    case Unary::kSquare:
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] * in[i];
      return;
  }
}

// The quantized forms; T int8_t or uint8_t. Elementwise and memory-bound, so
// one loop serves both registrations, split across threads when optimized.
template <Unary kOp, typename T>
void RunQuantizedUnary(const UnaryState& s, const T* in, T* out, int64_t n) {
  if constexpr (kOp == Unary::kLogistic || kOp == Unary::kTanh) {
    ref::LookupTable(s.table, in, out, n);
  } else if constexpr (kOp == Unary::kRelu || kOp == Unary::kRelu6 || kOp == Unary::kReluN1To1) {
    ref::QuantizedRelu(s.relu, in, out, n);
  } else if constexpr (kOp == Unary::kLeakyRelu) {
    ref::QuantizedLeakyRelu(s.leaky, in, out, n);
  } else if constexpr (kOp == Unary::kHardSwish) {
    ref::QuantizedHardSwish(s.hard_swish, in, out, n);
  }
}

template <Unary kOp, typename T>
void EvalQuantizedUnary(KernelContext& ctx) {
  struct Job {
    const UnaryState* s;
    const T* in;
    T* out;
  };
  const Job job{ctx.state_as<UnaryState>(), ctx.input_data<T>(0), ctx.output_data<T>(0)};
  const int64_t n = ctx.input(0).num_elements();
  if (ctx.use_reference()) {
    RunQuantizedUnary<kOp>(*job.s, job.in, job.out, n);
    return;
  }
  ctx.pool().ParallelFor(n, 32768, [&job](int64_t b, int64_t e) {
    RunQuantizedUnary<kOp>(*job.s, job.in + b, job.out + b, e - b);
  });
}

template <Unary kOp>
void EvalInt16Unary(KernelContext& ctx) {
  struct Job {
    const ref::Int16ActivationParams* p;
    const int16_t* in;
    int16_t* out;
  };
  const Job job{&ctx.state_as<UnaryState>()->int16, ctx.input_data<int16_t>(0),
                ctx.output_data<int16_t>(0)};
  auto run = [&job](int64_t b, int64_t e) {
    if constexpr (kOp == Unary::kLogistic) {
      ref::LogisticInt16(*job.p, job.in + b, job.out + b, e - b);
    } else {
      ref::TanhInt16(*job.p, job.in + b, job.out + b, e - b);
    }
  };
  const int64_t n = ctx.input(0).num_elements();
  if (ctx.use_reference()) {
    run(0, n);
    return;
  }
  ctx.pool().ParallelFor(n, 8192, run);
}

template <Unary kOp>
Status EvalUnary(KernelContext& ctx) {
  if constexpr (HasInt16Form(kOp)) {
    if (ctx.input(0).type == ir::DataType::kInt16) {
      EvalInt16Unary<kOp>(ctx);
      return Status::Ok();
    }
  }
  if constexpr (HasQuantizedForm(kOp)) {
    switch (ctx.input(0).type) {
      case ir::DataType::kInt8:
        EvalQuantizedUnary<kOp, int8_t>(ctx);
        return Status::Ok();
      case ir::DataType::kUInt8:
        EvalQuantizedUnary<kOp, uint8_t>(ctx);
        return Status::Ok();
      default:
        break;
    }
  }
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
  const int64_t min_chunk =
      kOp == Unary::kLogistic || kOp == Unary::kTanh || kOp == Unary::kSqrt || kOp == Unary::kExp
          ? 4096
          : 32768;
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
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const ir::Tensor& out = ctx.output(0);
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
  table.Add(ir::OpType::kLogistic, {PrepareUnary<Unary::kLogistic>, EvalUnary<Unary::kLogistic>});
  table.Add(ir::OpType::kTanh, {PrepareUnary<Unary::kTanh>, EvalUnary<Unary::kTanh>});
  table.Add(ir::OpType::kRelu, {PrepareUnary<Unary::kRelu>, EvalUnary<Unary::kRelu>});
  table.Add(ir::OpType::kRelu6, {PrepareUnary<Unary::kRelu6>, EvalUnary<Unary::kRelu6>});
  table.Add(ir::OpType::kReluN1To1,
            {PrepareUnary<Unary::kReluN1To1>, EvalUnary<Unary::kReluN1To1>});
  table.Add(ir::OpType::kLeakyRelu,
            {PrepareUnary<Unary::kLeakyRelu>, EvalUnary<Unary::kLeakyRelu>});
  table.Add(ir::OpType::kHardSwish,
            {PrepareUnary<Unary::kHardSwish>, EvalUnary<Unary::kHardSwish>});
  table.Add(ir::OpType::kSqrt, {PrepareUnary<Unary::kSqrt>, EvalUnary<Unary::kSqrt>});
  table.Add(ir::OpType::kRsqrt, {PrepareUnary<Unary::kRsqrt>, EvalUnary<Unary::kRsqrt>});
  table.Add(ir::OpType::kExp, {PrepareUnary<Unary::kExp>, EvalUnary<Unary::kExp>});
  table.Add(ir::OpType::kSquare, {PrepareUnary<Unary::kSquare>, EvalUnary<Unary::kSquare>});
  table.Add(ir::OpType::kPrelu, {PreparePrelu, EvalPrelu});
}

}  // namespace vkd::cpu
