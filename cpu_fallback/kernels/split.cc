// SPLIT and SPLIT_V for float32, int8, uint8, int32 (any fixed-size type:
// values move as stored, so quantized outputs keep the input's parameters).
// The axis (and SPLIT_V's size_splits) must be constant: the CPU interpreter
// fixes every shape in Prepare.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"

namespace vkd::cpu {
namespace {

struct SplitState : KernelState {
  int input_index = 0;  // SPLIT takes (axis, input), SPLIT_V (input, sizes, axis)
  int64_t outer = 1;
  size_t row_bytes = 0;            // one outer block of the input
  std::vector<size_t> slab_bytes;  // per output, per outer block
};

StatusOr<int> ReadAxis(const ir::Tensor& axis, int input_index, int rank) {
  const std::string what = "input " + std::to_string(input_index) + " (axis)";
  if (axis.type != ir::DataType::kInt32 || axis.num_elements() != 1) {
    return InvalidArgumentError(what + ": " + ir::DataTypeName(axis.type) + " " +
                                ir::ShapeToString(axis.shape) + " is not a single INT32 value");
  }
  if (!axis.is_constant()) return UnimplementedError(what + " must be constant");
  int a = axis.const_data<int32_t>()[0];
  if (a < -rank || a >= rank) {
    return InvalidArgumentError(what + ": " + std::to_string(a) + " out of range for rank " +
                                std::to_string(rank));
  }
  return a < 0 ? a + rank : a;
}

// Sets the outputs' shapes from `sizes` (one per output, along `axis`).
Status Finish(KernelContext& ctx, int input_index, int axis, const std::vector<int64_t>& sizes) {
  const ir::Tensor& in = ctx.input(input_index);
  auto state = std::make_unique<SplitState>();
  state->input_index = input_index;
  int64_t inner = 1;
  for (int d = 0; d < static_cast<int>(in.shape.size()); ++d) {
    if (d < axis) state->outer *= in.shape[d];
    if (d > axis) inner *= in.shape[d];
  }
  const size_t elem = ir::DataTypeSize(in.type);
  state->row_bytes = static_cast<size_t>(in.shape[axis] * inner) * elem;
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    const std::string what = "output " + std::to_string(i);
    ir::Tensor& out = ctx.output(i);
    if (out.type != in.type) {
      return InvalidArgumentError(what + ": type " + ir::DataTypeName(out.type) +
                                  " differs from the input's " + ir::DataTypeName(in.type));
    }
    if (Is8BitQuantized(in.type)) {
      QuantParams q;
      VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input " + std::to_string(input_index), &q));
    }
    out.shape = in.shape;
    out.shape[axis] = static_cast<int32_t>(sizes[i]);
    state->slab_bytes.push_back(static_cast<size_t>(sizes[i] * inner) * elem);
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
  const int rank = static_cast<int>(in.shape.size());
  VKD_ASSIGN_OR_RETURN(int axis, ReadAxis(ctx.input(0), 0, rank));
  const int n = ctx.num_outputs();
  const auto opts = ctx.options<ir::SplitOptions>();
  if ((opts.num_splits != 0 && opts.num_splits != n) || in.shape[axis] % n != 0) {
    return InvalidArgumentError("input 1: axis " + std::to_string(axis) + " of " +
                                ir::ShapeToString(in.shape) + " does not split into " +
                                std::to_string(n) + " outputs (num_splits " +
                                std::to_string(opts.num_splits) + ")");
  }
  return Finish(ctx, 1, axis, std::vector<int64_t>(n, in.shape[axis] / n));
}

template <typename I>
std::vector<int64_t> ReadSizes(const ir::Tensor& t) {
  const I* v = t.const_data<I>();
  return std::vector<int64_t>(v, v + t.num_elements());
}

Status PrepareSplitV(KernelContext& ctx) {
  VKD_CHECK_ARG(
      ctx.num_inputs() == 3 && ctx.has_input(0) && ctx.has_input(1) && ctx.has_input(2),
      "expected 3 inputs (input, size_splits, axis), got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() >= 1, "expected at least 1 output");
  const ir::Tensor& in = ctx.input(0);
  VKD_RETURN_IF_ERROR(CheckInputType(in, 0));
  const int rank = static_cast<int>(in.shape.size());
  VKD_ASSIGN_OR_RETURN(int axis, ReadAxis(ctx.input(2), 2, rank));
  const ir::Tensor& sizes_t = ctx.input(1);
  if ((sizes_t.type != ir::DataType::kInt32 && sizes_t.type != ir::DataType::kInt64) ||
      sizes_t.shape.size() != 1 || sizes_t.num_elements() != ctx.num_outputs()) {
    return InvalidArgumentError(
        "input 1 (size_splits): " + std::string(ir::DataTypeName(sizes_t.type)) + " " +
        ir::ShapeToString(sizes_t.shape) + " is not INT32/INT64 [" +
        std::to_string(ctx.num_outputs()) + "]");
  }
  if (!sizes_t.is_constant()) return UnimplementedError("input 1 (size_splits) must be constant");
  std::vector<int64_t> sizes = sizes_t.type == ir::DataType::kInt32 ? ReadSizes<int32_t>(sizes_t)
                                                                    : ReadSizes<int64_t>(sizes_t);
  // TFLite: at most one -1, which takes what the others leave.
  int64_t known = 0;
  int unknown = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1 && unknown == -1) {
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return InvalidArgumentError("input 1 (size_splits): invalid size " +
                                  std::to_string(sizes[i]));
    } else {
      known += sizes[i];
    }
  }
  if (unknown != -1) sizes[unknown] = in.shape[axis] - known;
  if ((unknown == -1 && known != in.shape[axis]) || (unknown != -1 && sizes[unknown] < 0)) {
    return InvalidArgumentError("input 1 (size_splits): sizes do not add up to axis " +
                                std::to_string(axis) + " of " + ir::ShapeToString(in.shape));
  }
  return Finish(ctx, 0, axis, sizes);
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
