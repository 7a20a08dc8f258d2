// SPLIT and SPLIT_V for float32, int8, uint8, int32 (any fixed-size type:
// values move as stored, so quantized outputs keep the input's parameters).
// The axis (and SPLIT_V's size_splits) must be constant: the CPU interpreter
// fixes every shape in Prepare, with the ops' shape rules (ops/shape_rules.h).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

struct SplitState : KernelState {
  int input_index = 0;  // SPLIT takes (axis, input), SPLIT_V (input, sizes, axis)
  int64_t outer = 1;
  size_t row_bytes = 0;            // one outer block of the input
  std::vector<size_t> slab_bytes;  // per output, per outer block
};

// Applies the shape rule (the axis, num_splits or size_splits checks), then
// checks the outputs' types and plans the copies.
Status Finish(KernelContext& ctx, int input_index, int axis_index) {
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const ir::Tensor& in = ctx.input(input_index);
  const int rank = static_cast<int>(in.shape.size());
  VKD_ASSIGN_OR_RETURN(const int axis, ops::ReadSplitAxis(ctx.input(axis_index), axis_index, rank));
  auto state = std::make_unique<SplitState>();
  state->input_index = input_index;
  int64_t inner = 1;
  for (int d = 0; d < rank; ++d) {
    if (d < axis) state->outer *= in.shape[d];
    if (d > axis) inner *= in.shape[d];
  }
  const size_t elem = ir::DataTypeSize(in.type);
  state->row_bytes = static_cast<size_t>(in.shape[axis] * inner) * elem;
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    const std::string what = "output " + std::to_string(i);
    const ir::Tensor& out = ctx.output(i);
    if (out.type != in.type) {
      return InvalidArgumentError(what + ": type " + ir::DataTypeName(out.type) +
                                  " differs from the input's " + ir::DataTypeName(in.type));
    }
    if (Is8BitQuantized(in.type)) {
      QuantParams q;
      VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input " + std::to_string(input_index), &q));
    }
    state->slab_bytes.push_back(static_cast<size_t>(out.shape[axis] * inner) * elem);
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status CheckInputType(const ir::Tensor& in, int index) {
  if (ir::DataTypeSize(in.type) == 0) {
    return UnimplementedError(TypeMismatch(("input " + std::to_string(index)).c_str(), in.type));
  }
  return Status::Ok();
}

Status PrepareSplit(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (axis, input), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() >= 1, "expected at least 1 output");
  const ir::Tensor& in = ctx.input(1);
  VKD_RETURN_IF_ERROR(CheckInputType(in, 1));
  return Finish(ctx, 1, 0);
}

Status PrepareSplitV(KernelContext& ctx) {
  VKD_CHECK_ARG(
      ctx.num_inputs() == 3 && ctx.has_input(0) && ctx.has_input(1) && ctx.has_input(2),
      "expected 3 inputs (input, size_splits, axis), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() >= 1, "expected at least 1 output");
  const ir::Tensor& in = ctx.input(0);
  VKD_RETURN_IF_ERROR(CheckInputType(in, 0));
  return Finish(ctx, 0, 2);
}

// memcpy-bound: one form serves as reference and optimized.
Status EvalSplit(KernelContext& ctx) {
  const SplitState& s = *ctx.state_as<SplitState>();
  const uint8_t* in = ctx.input_data<uint8_t>(s.input_index);
  for (int64_t k = 0; k < s.outer; ++k) {
    const uint8_t* row = in + k * s.row_bytes;
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      const size_t n = s.slab_bytes[i];
      if (n > 0) std::memcpy(ctx.output_data<uint8_t>(i) + k * n, row, n);
      row += n;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterSplitKernels(KernelTable& table) {
  table.Add(ir::OpType::kSplit, {PrepareSplit, EvalSplit});
  table.Add(ir::OpType::kSplitV, {PrepareSplitV, EvalSplit});
}

}  // namespace vkd::cpu
