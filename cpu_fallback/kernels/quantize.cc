// DEQUANTIZE: int8, uint8, int16 (per tensor or per channel) and float16 to
// float32, constant or activation input.
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/reference/dequantize.h"

namespace vkd::cpu {
namespace {

struct DequantizeState : KernelState {
  std::vector<float> scale;         // one per channel (one when per tensor)
  std::vector<int32_t> zero_point;  // same length as scale
  ref::DequantizeParams params;     // points into the vectors above
};

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  if (out.type != ir::DataType::kFloat32)
    return UnimplementedError(TypeMismatch("output 0", out.type));
  out.shape = in.shape;
  auto state = std::make_unique<DequantizeState>();
  if (in.type == ir::DataType::kFloat16) {
    ctx.state() = std::move(state);
    return Status::Ok();
  }
  if (in.type != ir::DataType::kInt8 && in.type != ir::DataType::kUInt8 &&
      in.type != ir::DataType::kInt16) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  const ir::Quantization& q = in.quant;
  if (q.empty()) {
    return InvalidArgumentError(std::string("input 0: ") + ir::DataTypeName(in.type) +
                                " without quantization parameters");
  }
  if (q.zero_point.size() != 1 && q.zero_point.size() != q.scale.size()) {
    return InvalidArgumentError("input 0: " + std::to_string(q.scale.size()) + " scales but " +
                                std::to_string(q.zero_point.size()) + " zero points");
  }
  const int rank = static_cast<int>(in.shape.size());
  ref::DequantizeParams& p = state->params;
  p.outer = in.num_elements();
  if (q.per_channel()) {
    const int dim = q.quantized_dimension;
    if (dim < 0 || dim >= rank || in.shape[dim] != static_cast<int64_t>(q.scale.size())) {
      return InvalidArgumentError("input 0: " + std::to_string(q.scale.size()) +
                                  " per-channel scales along dimension " + std::to_string(dim) +
                                  " of " + ir::ShapeToString(in.shape));
    }
    p.outer = 1;
    for (int d = 0; d < dim; ++d) p.outer *= in.shape[d];
    p.channels = in.shape[dim];
    p.inner = 1;
    for (int d = dim + 1; d < rank; ++d) p.inner *= in.shape[d];
  }
  state->scale = q.scale;
  for (size_t c = 0; c < q.scale.size(); ++c) {
    state->zero_point.push_back(
        static_cast<int32_t>(q.zero_point.size() == 1 ? q.zero_point[0] : q.zero_point[c]));
  }
  p.scale = state->scale.data();
  p.zero_point = state->zero_point.data();
  ctx.state() = std::move(state);
  return Status::Ok();
}

// One loop serves both registrations: it is memory-bound and vectorizes as written.
Status Eval(KernelContext& ctx) {
  const auto& s = *ctx.state_as<DequantizeState>();
  float* out = ctx.output_data<float>(0);
  switch (ctx.input(0).type) {
    case ir::DataType::kFloat16:
      ref::DequantizeHalf(ctx.input_data<uint16_t>(0), out, ctx.input(0).num_elements());
      break;
    case ir::DataType::kInt8:
      ref::Dequantize(s.params, ctx.input_data<int8_t>(0), out);
      break;
    case ir::DataType::kUInt8:
      ref::Dequantize(s.params, ctx.input_data<uint8_t>(0), out);
      break;
    case ir::DataType::kInt16:
      ref::Dequantize(s.params, ctx.input_data<int16_t>(0), out);
      break;
    default:
      return InternalError("DEQUANTIZE: input type changed after Prepare");
  }
  return Status::Ok();
}

}  // namespace

void RegisterQuantizeKernels(KernelTable& table) {
  table.Add(ir::OpType::kDequantize, {Prepare, Eval});
}

}  // namespace vkd::cpu
