// FULLY_CONNECTED's output shape, which the float/hybrid kernel and the
// int8/uint8 one (kernels/quantized_conv.cc) set alike.
#pragma once

#include <string>

#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/fully_connected.h"

namespace vkd::cpu {

// With keep_num_dims the output keeps the input's leading dimensions (whose
// last must then be the weights' input size) and ends in num_units; without,
// it is [batches, num_units].
inline Status SetFullyConnectedOutputShape(KernelContext& ctx, const ir::Tensor& input,
                                           const ref::FullyConnectedShape& shape,
                                           bool keep_num_dims) {
  if (!keep_num_dims) {
    ctx.output(0).shape = {shape.batches, shape.num_units};
    return Status::Ok();
  }
  VKD_CHECK_ARG(
      !input.shape.empty() && input.shape.back() == shape.input_size,
      "keep_num_dims: input's last dimension " +
          (input.shape.empty() ? std::string("(scalar)") : std::to_string(input.shape.back())) +
          " != weights' input size " + std::to_string(shape.input_size));
  ir::Shape out = input.shape;
  out.back() = shape.num_units;
  ctx.output(0).shape = out;
  return Status::Ok();
}

}  // namespace vkd::cpu
