// STRIDED_SLICE and SLICE, float32, int8, uint8, int32 and int64 (values
// move as stored: quantized outputs keep the input's parameters), rank <= 5,
// begin/end/strides (SLICE: begin/size) constant (the CPU interpreter fixes
// every shape in Prepare; both ops' shapes are their shape rules,
// ops/shape_rules.h). begin_mask, end_mask and shrink_axis_mask as TFLite
// 2.9; ellipsis_mask and new_axis_mask are unimplemented there too.
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"
#include "cpu_fallback/reference/strided_slice.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

struct SliceState : KernelState {
  ops::StridedSliceParams params;
};

// The checks STRIDED_SLICE and SLICE share: element type, output type, rank.
Status CheckSliceIo(KernelContext& ctx, int num_inputs) {
  VKD_CHECK_ARG(ctx.num_inputs() == num_inputs, "expected " + std::to_string(num_inputs) +
                                                    " inputs, got " +
                                                    std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  switch (in.type) {
    case ir::DataType::kFloat32:
    case ir::DataType::kInt32:
    case ir::DataType::kInt64:
    case ir::DataType::kInt8:
    case ir::DataType::kUInt8:
      break;
    default:
      return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  if (ctx.output(0).type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") +
                                ir::DataTypeName(ctx.output(0).type) + " differs from input 0's " +
                                ir::DataTypeName(in.type));
  }
  if (Is8BitQuantized(in.type)) {
    QuantParams q;
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input 0", &q));
  }
  return ops::CheckSliceRank(static_cast<int>(in.shape.size()));
}

Status PrepareStridedSlice(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckSliceIo(ctx, 4));
  const ir::Tensor& in = ctx.input(0);
  const int rank = static_cast<int>(in.shape.size());
  // begin/end/strides, the masks and the strides' signs: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const auto opts = ctx.options<ir::StridedSliceOptions>();
  // `offset` (end relative to begin) is newer than TFLite 2.9, which ignores
  // it; so do we, to compute what the reference computes.
  auto state = std::make_unique<SliceState>();
  ops::StridedSliceParams& p = state->params;
  ops::ResolveStridedSlice(rank, in.shape.data(), ctx.input(1).const_data<int32_t>(),
                           ctx.input(2).const_data<int32_t>(), ctx.input(3).const_data<int32_t>(),
                           opts.begin_mask, opts.end_mask, opts.shrink_axis_mask, &p);
  ctx.state() = std::move(state);
  return Status::Ok();
}

// SLICE: begin and size (-1: to the end), int32 or int64, one per dimension.
Status PrepareSlice(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckSliceIo(ctx, 3));
  // begin/size constant and within the input: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const ir::Tensor& in = ctx.input(0);
  const int rank = static_cast<int>(in.shape.size());
  VKD_ASSIGN_OR_RETURN(
      const std::vector<int64_t> begin,
      ops::ReadConstantInts(ctx.input(1), "input 1 (begin)", rank, /*one_d=*/true));
  auto state = std::make_unique<SliceState>();
  ops::StridedSliceParams& p = state->params;
  p.rank = rank;
  for (int d = 0; d < rank; ++d) {
    p.in_dims[d] = in.shape[d];
    p.start[d] = static_cast<int32_t>(begin[d]);
    p.stride[d] = 1;
    p.out_dims[d] = ctx.output(0).shape[d];
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

// Types of one size share a path (the values are only moved).
Status EvalSlice(KernelContext& ctx) {
  const ops::StridedSliceParams& p = ctx.state_as<SliceState>()->params;
  switch (ir::DataTypeSize(ctx.input(0).type)) {
    case 1:
      ref::StridedSlice(p, ctx.input_data<uint8_t>(0), ctx.output_data<uint8_t>(0));
      break;
    case 8:
      ref::StridedSlice(p, ctx.input_data<uint64_t>(0), ctx.output_data<uint64_t>(0));
      break;
    default:
      ref::StridedSlice(p, ctx.input_data<uint32_t>(0), ctx.output_data<uint32_t>(0));
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterSliceKernels(KernelTable& table) {
  table.Add(ir::OpType::kStridedSlice, {PrepareStridedSlice, EvalSlice});
  table.Add(ir::OpType::kSlice, {PrepareSlice, EvalSlice});
}

}  // namespace vkd::cpu
