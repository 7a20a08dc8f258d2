// STRIDED_SLICE, float32 and int32, rank <= 5, begin/end/strides constant
// int32 (the CPU interpreter fixes every shape in Prepare). begin_mask,
// end_mask and shrink_axis_mask as TFLite 2.9; ellipsis_mask and
// new_axis_mask are unimplemented there too.
#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/reference/strided_slice.h"

namespace vkd::cpu {
namespace {

struct SliceState : KernelState {
  ref::StridedSliceParams params;
};

Status CheckIndexInput(const KernelContext& ctx, int i, const char* name, int rank) {
  const ir::Tensor& t = ctx.input(i);
  if (t.type != ir::DataType::kInt32 || t.shape != ir::Shape{rank}) {
    return InvalidArgumentError(
        "input " + std::to_string(i) + " (" + name + "): " + ir::DataTypeName(t.type) + " " +
        ir::ShapeToString(t.shape) + " is not INT32 [" + std::to_string(rank) + "]");
  }
  if (!t.is_constant()) {
    return UnimplementedError("input " + std::to_string(i) + " (" + name + ") must be constant");
  }
  return Status::Ok();
}

Status PrepareStridedSlice(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 4,
                "expected 4 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  if (in.type != ir::DataType::kFloat32 && in.type != ir::DataType::kInt32) {
    return UnsupportedType("input 0", in.type);
  }
  if (ctx.output(0).type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") +
                                ir::DataTypeName(ctx.output(0).type) + " differs from input 0's " +
                                ir::DataTypeName(in.type));
  }
  const int rank = static_cast<int>(in.shape.size());
  if (rank < 1 || rank > ref::kMaxSliceRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " outside 1.." +
                              std::to_string(ref::kMaxSliceRank));
  }
  VKD_RETURN_IF_ERROR(CheckIndexInput(ctx, 1, "begin", rank));
  VKD_RETURN_IF_ERROR(CheckIndexInput(ctx, 2, "end", rank));
  VKD_RETURN_IF_ERROR(CheckIndexInput(ctx, 3, "strides", rank));
  const auto opts = ctx.options<ir::StridedSliceOptions>();
  if (opts.ellipsis_mask != 0 || opts.new_axis_mask != 0) {
    return UnimplementedError("ellipsis_mask and new_axis_mask are not implemented");
  }
  const int32_t* strides = ctx.input(3).const_data<int32_t>();
  for (int d = 0; d < rank; ++d) {
    if (strides[d] == 0) {
      return InvalidArgumentError("input 3 (strides): stride of axis " + std::to_string(d) +
                                  " is 0");
    }
  }
  // `offset` (end relative to begin) is newer than TFLite 2.9, which ignores
  // it; so do we, to compute what the reference computes.
  auto state = std::make_unique<SliceState>();
  ref::StridedSliceParams& p = state->params;
  ref::ResolveStridedSlice(rank, in.shape.data(), ctx.input(1).const_data<int32_t>(),
                           ctx.input(2).const_data<int32_t>(), strides, opts.begin_mask,
                           opts.end_mask, opts.shrink_axis_mask, &p);
  ir::Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!((opts.shrink_axis_mask >> d) & 1)) out.push_back(p.out_dims[d]);
  }
  ctx.output(0).shape = out;
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status EvalStridedSlice(KernelContext& ctx) {
  // float and int32 share the 4-byte path.
  ref::StridedSlice(ctx.state_as<SliceState>()->params, ctx.input_data<uint32_t>(0),
                    ctx.output_data<uint32_t>(0));
  return Status::Ok();
}

}  // namespace

void RegisterSliceKernels(KernelTable& table) {
  table.Add(ir::OpType::kStridedSlice, {PrepareStridedSlice, EvalStridedSlice});
}

}  // namespace vkd::cpu
