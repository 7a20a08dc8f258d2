// PACK and UNPACK for float32, int8, uint8, int32, int64 (any fixed-size
// type): PACK stacks N equal-shaped tensors along a new axis, UNPACK splits
// one axis into that many tensors. Quantized tensors move as stored, so,
// as TFLite 2.9 requires, every input and output must share one scale and
// zero point. Output shapes are the ops' shape rules (ops/shape_rules.h).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"

namespace vkd::cpu {
namespace {

// outer blocks of `count` slabs of `slab_bytes`: PACK interleaves its inputs
// slab by slab, UNPACK deals them back out.
struct StackState : KernelState {
  int64_t outer = 1;
  size_t slab_bytes = 0;
  int count = 0;
};

Status CheckMovableType(const ir::Tensor& t, const std::string& what) {
  if (ir::DataTypeSize(t.type) == 0) return UnimplementedError(TypeMismatch(what.c_str(), t.type));
  return Status::Ok();
}

Status CheckLike(const ir::Tensor& t, const std::string& what, const ir::Tensor& ref,
                 const std::string& ref_what) {
  if (t.type != ref.type) {
    return InvalidArgumentError(what + ": type " + ir::DataTypeName(t.type) + " differs from " +
                                ref_what + "'s " + ir::DataTypeName(ref.type));
  }
  return CheckSameQuantParams(t, what, ref, ref_what);
}

Status PreparePack(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() >= 1, "expected at least 1 input");
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& t0 = ctx.input(0);
  VKD_RETURN_IF_ERROR(CheckMovableType(t0, "input 0"));
  // values_count, every input present and of input 0's shape, the axis: the
  // shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    VKD_RETURN_IF_ERROR(
        CheckLike(ctx.input(i), "input " + std::to_string(i), ctx.output(0), "output 0"));
  }
  const int rank = static_cast<int>(t0.shape.size());
  const int opt_axis = ctx.options<ir::PackOptions>().axis;
  const int axis = opt_axis < 0 ? opt_axis + rank + 1 : opt_axis;
  auto state = std::make_unique<StackState>();
  state->count = ctx.num_inputs();
  int64_t slab = 1;
  for (int d = 0; d < rank; ++d) (d < axis ? state->outer : slab) *= t0.shape[d];
  state->slab_bytes = static_cast<size_t>(slab) * ir::DataTypeSize(t0.type);
  ctx.state() = std::move(state);
  return Status::Ok();
}

// memcpy-bound: one form serves as reference and optimized.
Status EvalPack(KernelContext& ctx) {
  const StackState& s = *ctx.state_as<StackState>();
  uint8_t* out = ctx.output_data<uint8_t>(0);
  for (int i = 0; i < s.count; ++i) {
    const uint8_t* in = ctx.input_data<uint8_t>(i);
    for (int64_t k = 0; k < s.outer; ++k) {
      std::memcpy(out + (k * s.count + i) * s.slab_bytes, in + k * s.slab_bytes, s.slab_bytes);
    }
  }
  return Status::Ok();
}

Status PrepareUnpack(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  const ir::Tensor& in = ctx.input(0);
  VKD_RETURN_IF_ERROR(CheckMovableType(in, "input 0"));
  // The axis, and that it splits into the outputs: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    VKD_RETURN_IF_ERROR(CheckLike(ctx.output(i), "output " + std::to_string(i), in, "input 0"));
  }
  const int rank = static_cast<int>(in.shape.size());
  const int opt_axis = ctx.options<ir::UnpackOptions>().axis;
  const int axis = opt_axis < 0 ? opt_axis + rank : opt_axis;
  auto state = std::make_unique<StackState>();
  state->count = ctx.num_outputs();
  int64_t slab = 1;
  for (int d = 0; d < rank; ++d) {
    if (d < axis) state->outer *= in.shape[d];
    if (d > axis) slab *= in.shape[d];
  }
  state->slab_bytes = static_cast<size_t>(slab) * ir::DataTypeSize(in.type);
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status EvalUnpack(KernelContext& ctx) {
  const StackState& s = *ctx.state_as<StackState>();
  const uint8_t* in = ctx.input_data<uint8_t>(0);
  for (int i = 0; i < s.count; ++i) {
    uint8_t* out = ctx.output_data<uint8_t>(i);
    for (int64_t k = 0; k < s.outer; ++k) {
      std::memcpy(out + k * s.slab_bytes, in + (k * s.count + i) * s.slab_bytes, s.slab_bytes);
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterPackKernels(KernelTable& table) {
  table.Add(ir::OpType::kPack, {PreparePack, EvalPack});
  table.Add(ir::OpType::kUnpack, {PrepareUnpack, EvalUnpack});
}

}  // namespace vkd::cpu
