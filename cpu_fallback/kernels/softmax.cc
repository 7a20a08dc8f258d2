// SOFTMAX over the last axis with beta, float32. Quantized types are a later issue.
#include "cpu_fallback/reference/softmax.h"

#include <algorithm>
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"

namespace vkd::cpu {
namespace {

struct SoftmaxState : KernelState {
  int64_t rows = 0, depth = 0;
  float beta = 1.0f;
};

Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckFloatUnaryIo(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  if (in.shape.empty()) return InvalidArgumentError("input 0: a scalar has no axis to normalize");
  out.shape = in.shape;
  auto state = std::make_unique<SoftmaxState>();
  state->depth = in.shape.back();
  state->rows = state->depth == 0 ? 0 : in.num_elements() / state->depth;
  state->beta = ctx.options<ir::SoftmaxOptions>().beta;
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status Eval(KernelContext& ctx) {
  struct Job {
    const SoftmaxState* s;
    const float* in;
    float* out;
  };
  const Job job{ctx.state_as<SoftmaxState>(), ctx.input_data<float>(0), ctx.output_data<float>(0)};
  const SoftmaxState& s = *job.s;
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
