// MEAN and SUM, float32, int8 and uint8, over a constant int32 axis list
// (negative axes and duplicates allowed), with or without keep_dims. The
// quantized forms follow TFLite 2.9's choice of formula (see
// ref::QuantizedReduceFormula), made once here in Prepare.
#include "cpu_fallback/optimized/reduce.h"

#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"
#include "cpu_fallback/reference/reduce.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

struct ReduceState : KernelState {
  ref::ReduceParams params;
  opt::ReduceRun run;
  // int8/uint8
  ref::QuantizedReduceParams quant;
  std::vector<int32_t> sums;  // one per output
};

// TFLite's test for its 4-D mean kernel: keep_dims and exactly the axes
// {1, 2} as written in the model (no negative or repeated forms).
bool IsMeanOverHw(const ir::Tensor& in, const ir::Tensor& axes, bool keep_dims) {
  if (!keep_dims || in.shape.size() != 4 || axes.num_elements() != 2) return false;
  const int32_t* a = axes.const_data<int32_t>();
  return (a[0] == 1 && a[1] == 2) || (a[0] == 2 && a[1] == 1);
}

Status PrepareQuantized(KernelContext& ctx, ReduceState* state) {
  const ir::Tensor& in = ctx.input(0);
  QuantParams in_q, out_q;
  VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input 0", &in_q));
  VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ctx.output(0), "output 0", &out_q));
  ref::QuantizedReduceParams& q = state->quant;
  q.in_zero_point = in_q.zero_point;
  q.out_zero_point = out_q.zero_point;
  q.in_scale = in_q.scale;
  q.out_scale = out_q.scale;
  const int64_t count = ref::ReducedCount(state->params);
  if (count > (int64_t{1} << 23)) {
    return UnimplementedError("input 0: " + std::to_string(count) +
                              " reduced elements would overflow the int32 sum");
  }
  q.count = static_cast<int32_t>(count);
  const bool same = in_q.scale == out_q.scale && in_q.zero_point == out_q.zero_point;
  using Formula = ref::QuantizedReduceFormula;
  if (ctx.node().op == ir::OpType::kSum) {
    q.formula = same ? Formula::kSumWrap : Formula::kSumRescale;
  } else if (IsMeanOverHw(in, ctx.input(1), ctx.options<ir::ReducerOptions>().keep_dims)) {
    if (in.type == ir::DataType::kInt8) {
      q.formula = Formula::kMeanHwInt8Float;
    } else {
      q.formula = Formula::kMeanHwUint8Fixed;
      // TFLite's float bias (the input zero point in output units, rounded
      // half away from zero) and the multiplier in_scale / (count * out_scale).
      float temp = static_cast<float>(in_q.zero_point) * in_q.scale / out_q.scale;
      temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
      q.bias = out_q.zero_point - static_cast<int32_t>(temp);
      const float real_scale = in_q.scale / (static_cast<float>(q.count) * out_q.scale);
      const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(real_scale));
      q.multiplier = m.multiplier;
      q.shift = m.shift;
    }
  } else {
    q.formula = same ? Formula::kMeanTruncate : Formula::kMeanRescale;
  }
  state->sums.resize(static_cast<size_t>(ctx.output(0).num_elements()));
  return Status::Ok();
}

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (input, axes), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  const ir::Tensor& out = ctx.output(0);
  if (in.type != ir::DataType::kFloat32 && !Is8BitQuantized(in.type)) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  if (out.type != in.type) return UnimplementedError(TypeMismatch("output 0", out.type));
  // Constant INT32 axes in range: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const int rank = static_cast<int>(in.shape.size());
  if (rank > ref::kMaxReduceRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " above the supported " +
                              std::to_string(ref::kMaxReduceRank));
  }

  auto state = std::make_unique<ReduceState>();
  ref::ReduceParams& p = state->params;
  p.rank = rank;
  for (int d = 0; d < rank; ++d) p.dims[d] = in.shape[d];
  std::vector<bool> reduced;
  VKD_RETURN_IF_ERROR(ops::ReadReductionAxes(ctx.input(1), in.shape, &reduced));
  for (int d = 0; d < rank; ++d) p.reduced[d] = reduced[d];
  state->run = opt::CollapseReduce(p);
  if (Is8BitQuantized(in.type)) VKD_RETURN_IF_ERROR(PrepareQuantized(ctx, state.get()));
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename T>
void EvalQuantized(KernelContext& ctx, ReduceState& s) {
  const T* in = ctx.input_data<T>(0);
  if (ctx.use_reference()) {
    ref::ReduceSumQuantized(s.params, in, s.sums.data());
  } else {
    opt::ReduceSumQuantized(s.params, s.run, in, s.sums.data());
  }
  ref::FinishQuantizedReduce(s.quant, s.sums.data(), static_cast<int64_t>(s.sums.size()),
                             ctx.output_data<T>(0));
}

template <bool kMean>
Status Eval(KernelContext& ctx) {
  auto& s = *ctx.state_as<ReduceState>();
  if (ctx.input(0).type == ir::DataType::kInt8) {
    EvalQuantized<int8_t>(ctx, s);
    return Status::Ok();
  }
  if (ctx.input(0).type == ir::DataType::kUInt8) {
    EvalQuantized<uint8_t>(ctx, s);
    return Status::Ok();
  }
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
