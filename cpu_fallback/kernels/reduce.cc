// MEAN and SUM, float32, over a constant int32 axis list (negative axes and
// duplicates allowed), with or without keep_dims. Quantized types are a later issue.
#include "cpu_fallback/optimized/reduce.h"

#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/reference/reduce.h"

namespace vkd::cpu {
namespace {

struct ReduceState : KernelState {
  ref::ReduceParams params;
  opt::ReduceRun run;
};

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, axes), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& axes = ctx.input(1);
  ir::Tensor& out = ctx.output(0);
  if (in.type != ir::DataType::kFloat32) {
    return UnsupportedType("input 0", in.type);
  }
  if (out.type != in.type) return UnimplementedError(TypeMismatch("output 0", out.type));
  if (axes.type != ir::DataType::kInt32)
    return UnimplementedError(TypeMismatch("input 1", axes.type));
  if (!axes.is_constant()) return UnimplementedError("input 1 (axes) must be constant");
  const int rank = static_cast<int>(in.shape.size());
  if (rank > ref::kMaxReduceRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " above the supported " +
                              std::to_string(ref::kMaxReduceRank));
  }

  auto state = std::make_unique<ReduceState>();
  ref::ReduceParams& p = state->params;
  p.rank = rank;
  for (int d = 0; d < rank; ++d) p.dims[d] = in.shape[d];
  const int32_t* axis_data = axes.const_data<int32_t>();
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    const int32_t axis = axis_data[i];
    if (axis < -rank || axis >= rank) {
      return InvalidArgumentError("input 1: axis " + std::to_string(axis) + " out of range for " +
                                  ir::ShapeToString(in.shape));
    }
    p.reduced[axis < 0 ? axis + rank : axis] = true;
  }
  const bool keep_dims = ctx.options<ir::ReducerOptions>().keep_dims;
  out.shape.clear();
  for (int d = 0; d < rank; ++d) {
    if (!p.reduced[d]) {
      out.shape.push_back(in.shape[d]);
    } else if (keep_dims) {
      out.shape.push_back(1);
    }
  }
  state->run = opt::CollapseReduce(p);
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <bool kMean>
Status Eval(KernelContext& ctx) {
  const auto& s = *ctx.state_as<ReduceState>();
  const float* in = ctx.input_data<float>(0);
  float* out = ctx.output_data<float>(0);
  if (ctx.use_reference()) {
    kMean ? ref::ReduceMean(s.params, in, out) : ref::ReduceSum(s.params, in, out);
  } else if (kMean) {
    opt::ReduceMean(s.params, s.run, in, out, ctx.pool());
  } else {
    opt::ReduceSum(s.params, s.run, in, out, ctx.pool());
  }
  return Status::Ok();
}

}  // namespace

void RegisterReduceKernels(KernelTable& table) {
  table.Add(ir::OpType::kMean, {Prepare, Eval<true>});
  table.Add(ir::OpType::kSum, {Prepare, Eval<false>});
}

}  // namespace vkd::cpu
