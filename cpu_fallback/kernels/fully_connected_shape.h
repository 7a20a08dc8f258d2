// FULLY_CONNECTED's shapes, which the float/hybrid kernel and the int8/uint8
// one (kernels/quantized_conv.cc) read alike.
#pragma once

#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/fully_connected.h"

namespace vkd::cpu {

// Applies the op's shape rule (ops/shape_rules.h: [num_units, input_size]
// weights, an input of whole rows of input_size values, keep_num_dims) and
// reads the GEMM's dimensions from the shapes it accepted.
inline Status ApplyFullyConnectedShape(KernelContext& ctx, const ir::Tensor& input,
                                       const ir::Tensor& weights, ref::FullyConnectedShape* shape) {
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  shape->num_units = weights.shape[0];
  shape->input_size = weights.shape[1];
  shape->batches = static_cast<int>(input.num_elements() / shape->input_size);
  return Status::Ok();
}

}  // namespace vkd::cpu
