// GATHER: params of any fixed-size type, int32 or int64 indices, an axis and
// batch_dims (TFLite's reference_ops::Gather): output shape
// params[:axis] + indices[batch_dims:] + params[axis + 1:]. Values are copied
// as stored; an index outside [0, params[axis]) fails Eval, as in TFLite.
//
// GATHER_ND: params of any fixed-size type (float32, int8, uint8, int32,
// int64, ...), int32 or int64 indices, which may be computed at run time.
// Output shape indices.shape[:-1] + params.shape[nd:], nd = indices.shape[-1].
// Quantized params are copied as stored (TFLite 2.9 does not rescale).
// As TFLite, each index row is flattened first and only the flat slice is
// bounds-checked; an out-of-range row fails Eval with an error.
//
// Both ops' output shapes are their shape rules (ops/shape_rules.h).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"

namespace vkd::cpu {
namespace {

// The inputs both ops take: params of a fixed-size type (`allow_bool`: BOOL
// too), int32 or int64 indices, and an output of the params' type.
Status CheckGatherIo(KernelContext& ctx, bool allow_bool) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs (params, indices), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& params = ctx.input(0);
  const ir::Tensor& indices = ctx.input(1);
  const ir::Tensor& out = ctx.output(0);
  if (ir::DataTypeSize(params.type) == 0 || (!allow_bool && params.type == ir::DataType::kBool)) {
    return UnimplementedError(TypeMismatch("input 0 (params)", params.type));
  }
  if (out.type != params.type) {
    return InvalidArgumentError(std::string("output 0: type ") + ir::DataTypeName(out.type) +
                                " differs from params' " + ir::DataTypeName(params.type));
  }
  if (indices.type != ir::DataType::kInt32 && indices.type != ir::DataType::kInt64) {
    return InvalidArgumentError(
        TypeMismatch("input 1 (indices, must be INT32 or INT64)", indices.type));
  }
  return Status::Ok();
}

// The Eval of both ops, rows of memcpy (one form serves as reference and
// optimized): copy(state, params, indices, out) with the indices read as
// int32 or int64, whichever they are.
template <typename State, typename Copy>
Status EvalCopy(KernelContext& ctx, Copy copy) {
  const State& s = *ctx.state_as<State>();
  const uint8_t* params = ctx.input_data<uint8_t>(0);
  uint8_t* out = ctx.output_data<uint8_t>(0);
  if (ctx.input(1).type == ir::DataType::kInt32) {
    return copy(s, params, ctx.input_data<int32_t>(1), out);
  }
  return copy(s, params, ctx.input_data<int64_t>(1), out);
}

struct GatherNdState : KernelState {
  int nd = 0;
  int64_t slices = 0;       // rows of indices
  int64_t slice_size = 0;   // elements copied per row
  int64_t params_size = 0;  // elements of params
  size_t element_bytes = 0;
  std::vector<int64_t> strides;  // params strides of the first nd dimensions
};

Status PrepareGatherNd(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckGatherIo(ctx, /*allow_bool=*/false));
  const ir::Tensor& params = ctx.input(0);
  const ir::Tensor& indices = ctx.input(1);
  // Ranks >= 1 and the index depth within params: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const int params_rank = static_cast<int>(params.shape.size());
  const int indices_rank = static_cast<int>(indices.shape.size());
  const int nd = indices.shape.back();
  auto state = std::make_unique<GatherNdState>();
  state->nd = nd;
  state->element_bytes = ir::DataTypeSize(params.type);
  state->params_size = params.num_elements();
  state->slices = 1;
  for (int d = 0; d + 1 < indices_rank; ++d) state->slices *= indices.shape[d];
  state->slice_size = 1;
  for (int d = nd; d < params_rank; ++d) state->slice_size *= params.shape[d];
  state->strides.assign(nd, 0);
  int64_t stride = state->slice_size;
  for (int d = nd - 1; d >= 0; --d) {
    state->strides[d] = stride;
    stride *= params.shape[d];
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename I>
Status GatherRows(const GatherNdState& s, const uint8_t* params, const I* indices, uint8_t* out) {
  const size_t slice_bytes = static_cast<size_t>(s.slice_size) * s.element_bytes;
  for (int64_t i = 0; i < s.slices; ++i) {
    int64_t from = 0;
    for (int j = 0; j < s.nd; ++j)
      from += static_cast<int64_t>(indices[i * s.nd + j]) * s.strides[j];
    if (from < 0 || from + s.slice_size > s.params_size) {
      return InvalidArgumentError("input 1 (indices): row " + std::to_string(i) +
                                  " points outside params");
    }
    std::memcpy(out + i * slice_bytes, params + from * s.element_bytes, slice_bytes);
  }
  return Status::Ok();
}

Status EvalGatherNd(KernelContext& ctx) {
  return EvalCopy<GatherNdState>(
      ctx, [](const auto& s, const uint8_t* params, const auto* indices, uint8_t* out) {
        return GatherRows(s, params, indices, out);
      });
}

struct GatherState : KernelState {
  int64_t batches = 1;    // product of the batch_dims leading dimensions
  int64_t outer = 1;      // params dimensions from batch_dims to axis
  int64_t axis_size = 0;  // params[axis]
  int64_t inner = 1;      // params dimensions after axis
  int64_t per_batch = 1;  // indices per batch
  size_t element_bytes = 0;
};

Status PrepareGather(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckGatherIo(ctx, /*allow_bool=*/true));
  const ir::Tensor& params = ctx.input(0);
  const ir::Tensor& indices = ctx.input(1);
  // axis and batch_dims in bounds, batch dimensions equal: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const auto& o = ctx.options<ir::GatherOptions>();
  const int params_rank = static_cast<int>(params.shape.size());
  const int indices_rank = static_cast<int>(indices.shape.size());
  const int axis = o.axis < 0 ? o.axis + params_rank : o.axis;
  const int batch_dims = o.batch_dims < 0 ? o.batch_dims + indices_rank : o.batch_dims;
  auto state = std::make_unique<GatherState>();
  for (int d = 0; d < batch_dims; ++d) state->batches *= params.shape[d];
  for (int d = batch_dims; d < axis; ++d) state->outer *= params.shape[d];
  state->axis_size = params.shape[axis];
  for (int d = axis + 1; d < params_rank; ++d) state->inner *= params.shape[d];
  for (int d = batch_dims; d < indices_rank; ++d) state->per_batch *= indices.shape[d];
  state->element_bytes = ir::DataTypeSize(params.type);
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename I>
Status GatherSlices(const GatherState& s, const uint8_t* params, const I* indices, uint8_t* out) {
  const size_t slice_bytes = static_cast<size_t>(s.inner) * s.element_bytes;
  for (int64_t b = 0; b < s.batches; ++b) {
    for (int64_t o = 0; o < s.outer; ++o) {
      const uint8_t* from = params + (b * s.outer + o) * s.axis_size * slice_bytes;
      uint8_t* to = out + (b * s.outer + o) * s.per_batch * slice_bytes;
      for (int64_t i = 0; i < s.per_batch; ++i) {
        const int64_t index = static_cast<int64_t>(indices[b * s.per_batch + i]);
        if (index < 0 || index >= s.axis_size) {
          return InvalidArgumentError("input 1 (indices): " + std::to_string(index) +
                                      " outside [0, " + std::to_string(s.axis_size) + ")");
        }
        std::memcpy(to + i * slice_bytes, from + index * slice_bytes, slice_bytes);
      }
    }
  }
  return Status::Ok();
}

Status EvalGather(KernelContext& ctx) {
  return EvalCopy<GatherState>(
      ctx, [](const auto& s, const uint8_t* params, const auto* indices, uint8_t* out) {
        return GatherSlices(s, params, indices, out);
      });
}

}  // namespace

void RegisterGatherKernels(KernelTable& table) {
  table.Add(ir::OpType::kGather, {PrepareGather, EvalGather});
  table.Add(ir::OpType::kGatherNd, {PrepareGatherNd, EvalGatherNd});
}

}  // namespace vkd::cpu
