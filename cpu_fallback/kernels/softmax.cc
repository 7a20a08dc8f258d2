// SOFTMAX over the last axis with beta: float32 -> float32, and int8/uint8 ->
// int8/uint8/int16 (reference/quantized_softmax.h: TFLite 2.9's float lookup
// table, which is what its builtin kernel runs for these types).
#include "cpu_fallback/reference/softmax.h"

#include <algorithm>
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/quantized_softmax.h"

namespace vkd::cpu {
namespace {

struct SoftmaxState : KernelState {
  int64_t rows = 0, depth = 0;
  float beta = 1.0f;
  float table[256] = {};  // quantized inputs only
  ref::QuantizedSoftmaxParams quantized;
};

bool Is8Bit(ir::DataType t) { return t == ir::DataType::kInt8 || t == ir::DataType::kUInt8; }

// Quantized outputs: any scale and zero point work with the table kernel
// (TFLite's converter emits 1/256 with the type's bottom as zero point, or
// 1/32768 and 0 for int16), but TFLite's x86 uint8 rounding ignores the zero
// point, so uint8 must have zero point 0 (as TFLite requires).
Status PrepareQuantized(KernelContext& ctx, SoftmaxState* s) {
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& out = ctx.output(0);
  if (!Is8Bit(out.type) && out.type != ir::DataType::kInt16) {
    return UnimplementedError(TypeMismatch("output 0", out.type));
  }
  if (Is8Bit(out.type) && out.type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") + ir::DataTypeName(out.type) +
                                " differs from the input's " + ir::DataTypeName(in.type));
  }
  QuantParams qin, qout;
  VKD_RETURN_IF_ERROR(GetQuantParams(in, "input 0", &qin));
  VKD_RETURN_IF_ERROR(GetQuantParams(out, "output 0", &qout));
  if (out.type == ir::DataType::kUInt8 && qout.zero_point != 0) {
    return InvalidArgumentError("output 0: uint8 SOFTMAX output needs zero point 0, got " +
                                std::to_string(qout.zero_point));
  }
  ref::PopulateSoftmaxTable(qin.scale, s->beta, s->table);
  s->quantized.table = s->table;
  s->quantized.output_scale = qout.scale;
  s->quantized.output_zero_point = qout.zero_point;
  return Status::Ok();
}

Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  auto state = std::make_unique<SoftmaxState>();
  state->depth = in.shape.back();
  state->rows = state->depth == 0 ? 0 : in.num_elements() / state->depth;
  state->beta = ctx.options<ir::SoftmaxOptions>().beta;
  if (Is8Bit(in.type)) {
    VKD_RETURN_IF_ERROR(PrepareQuantized(ctx, state.get()));
  } else {
    VKD_RETURN_IF_ERROR(CheckFloatUnaryIo(ctx));
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename TIn, typename TOut>
void EvalQuantized(KernelContext& ctx, const SoftmaxState& s) {
  struct Job {
    const SoftmaxState* s;
    const TIn* in;
    TOut* out;
  };
  const Job job{&s, ctx.input_data<TIn>(0), ctx.output_data<TOut>(0)};
  if (ctx.use_reference()) {
    ref::QuantizedSoftmax(s.quantized, job.in, job.out, s.rows, s.depth);
    return;
  }
  const int64_t min_rows = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, s.depth));
  ctx.pool().ParallelFor(s.rows, min_rows, [&job](int64_t b, int64_t e) {
    const int64_t depth = job.s->depth;
    ref::QuantizedSoftmax(job.s->quantized, job.in + b * depth, job.out + b * depth, e - b, depth);
  });
}

template <typename TIn>
Status EvalQuantizedIn(KernelContext& ctx, const SoftmaxState& s) {
  switch (ctx.output(0).type) {
    case ir::DataType::kInt8:
      EvalQuantized<TIn, int8_t>(ctx, s);
      return Status::Ok();
    case ir::DataType::kUInt8:
      EvalQuantized<TIn, uint8_t>(ctx, s);
      return Status::Ok();
    case ir::DataType::kInt16:
      EvalQuantized<TIn, int16_t>(ctx, s);
      return Status::Ok();
    default:
      return InternalError("SOFTMAX: output type changed after Prepare");
  }
}

Status Eval(KernelContext& ctx) {
  const SoftmaxState& s = *ctx.state_as<SoftmaxState>();
  if (ctx.input(0).type == ir::DataType::kInt8) return EvalQuantizedIn<int8_t>(ctx, s);
  if (ctx.input(0).type == ir::DataType::kUInt8) return EvalQuantizedIn<uint8_t>(ctx, s);
  struct Job {
    const SoftmaxState* s;
    const float* in;
    float* out;
  };
  const Job job{&s, ctx.input_data<float>(0), ctx.output_data<float>(0)};
  if (ctx.use_reference()) {
    ref::Softmax(job.in, job.out, s.rows, s.depth, s.beta);
    return Status::Ok();
  }
  // Rows are independent: the optimized form splits them across threads
  // (each row's loops are the reference ones; exp dominates).
  const int64_t min_rows = std::max<int64_t>(1, 4096 / std::max<int64_t>(1, s.depth));
  ctx.pool().ParallelFor(s.rows, min_rows, [&job](int64_t b, int64_t e) {
    const int64_t depth = job.s->depth;
    ref::Softmax(job.in + b * depth, job.out + b * depth, e - b, depth, job.s->beta);
  });
  return Status::Ok();
}

}  // namespace

void RegisterSoftmaxKernels(KernelTable& table) {
  table.Add(ir::OpType::kSoftmax, {Prepare, Eval});
}

}  // namespace vkd::cpu
