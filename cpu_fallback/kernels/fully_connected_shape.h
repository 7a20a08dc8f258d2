// FULLY_CONNECTED's shapes, which the float/hybrid kernel and the int8/uint8
// one (kernels/quantized_conv.cc) read and set alike.
#pragma once

#include <string>

#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/fully_connected.h"

namespace vkd::cpu {

// Reads the [num_units, input_size] weights and flattens the input into
// batches of input_size values. `input_name` and `weights_name` name the two
// tensors in errors, as each kernel's other messages do.
inline Status ReadFullyConnectedShape(const ir::Tensor& input, const ir::Tensor& weights,
                                      const std::string& input_name,
                                      const std::string& weights_name,
                                      ref::FullyConnectedShape* shape) {
  VKD_CHECK_ARG(
      weights.shape.size() == 2,
      weights_name + ": must be 2-D [units, input size], got " + ir::ShapeToString(weights.shape));
  shape->num_units = weights.shape[0];
  shape->input_size = weights.shape[1];
  VKD_CHECK_ARG(shape->input_size > 0, weights_name + ": input size 0");
  const int64_t total = input.num_elements();
  VKD_CHECK_ARG(total % shape->input_size == 0,
                input_name + ": " + ir::ShapeToString(input.shape) + " has " +
                    std::to_string(total) +
                    " elements, not a multiple of the weights' input size " +
                    std::to_string(shape->input_size));
  shape->batches = static_cast<int>(total / shape->input_size);
  return Status::Ok();
}

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
