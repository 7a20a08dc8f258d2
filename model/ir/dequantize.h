// The one dequantizer: real = scale * (q - zero_point) for affine integer
// tensors (per tensor, or per channel along quant.quantized_dimension), and
// IEEE half floats widened exactly. The CPU DEQUANTIZE kernel, the GPU
// weight upload and the dequantize-model transform all call it, so a
// dequantized value is the same number everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::ir {

// binary16 -> binary32, exact (subnormals, infinities and NaN payloads kept).
float HalfToFloat(uint16_t h);

// Whether `type` / `shape` / `quant` can be dequantized, and why not: FLOAT16
// needs no parameters; UINT8, INT8, INT16, INT32 and INT64 need finite,
// non-negative scales, one zero point or one per scale, and per-channel
// scales matching the quantized dimension. An empty zero_point means 0.
Status CheckDequantize(DataType type, const Shape& shape, const Quantization& quant);

// Dequantizes `shape`'s elements of `data` (`bytes` long) into `out`. The
// arithmetic is TFLite's reference DEQUANTIZE: in double, so an int32 bias
// near 2^31 keeps its low bits; for 8- and 16-bit inputs the exact product
// rounds once, so float arithmetic would give the same value.
Status DequantizeInto(DataType type, const Shape& shape, const Quantization& quant,
                      const void* data, size_t bytes, float* out);
StatusOr<std::vector<float>> DequantizeValues(DataType type, const Shape& shape,
                                              const Quantization& quant, const void* data,
                                              size_t bytes);

}  // namespace vkd::ir
