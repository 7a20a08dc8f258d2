#include "model/ir/dequantize.h"

#include <cmath>
#include <cstring>
#include <string>

namespace vkd::ir {
namespace {

bool IsAffineType(DataType type) {
  return type == DataType::kUInt8 || type == DataType::kInt8 || type == DataType::kInt16 ||
         type == DataType::kInt32 || type == DataType::kInt64;
}

// The tensor viewed as [outer, channels, inner]: channel c uses scale[c]
// and its zero point. Loops, not an index division per element.
template <typename T>
void DequantizeTyped(const void* data, int64_t outer, int64_t channels, int64_t inner,
                     const Quantization& quant, float* out) {
  const auto* q = static_cast<const T*>(data);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const double scale = quant.scale[c];
      const double zero_point =
          quant.zero_point.empty()
              ? 0.0
              : static_cast<double>(quant.zero_point[quant.zero_point.size() == 1 ? 0 : c]);
      for (int64_t i = 0; i < inner; ++i) {
        *out++ = static_cast<float>(scale * (static_cast<double>(*q++) - zero_point));
      }
    }
  }
}

}  // namespace

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
    std::memcpy(&bits, &magnitude, sizeof(bits));
    bits |= sign;
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf or NaN
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

Status CheckDequantize(DataType type, const Shape& shape, const Quantization& quant) {
  if (type == DataType::kFloat16) return Status::Ok();
  if (!IsAffineType(type)) {
    return UnimplementedError(std::string("cannot dequantize ") + DataTypeName(type) + " values");
  }
  if (quant.empty()) {
    return InvalidArgumentError(std::string(DataTypeName(type)) +
                                " without quantization parameters");
  }
  for (size_t c = 0; c < quant.scale.size(); ++c) {
    const float s = quant.scale[c];
    if (!std::isfinite(s) || s < 0) {
      return InvalidArgumentError("scale[" + std::to_string(c) + "] = " + std::to_string(s) +
                                  " is not a valid quantization scale");
    }
  }
  if (!quant.zero_point.empty() && quant.zero_point.size() != 1 &&
      quant.zero_point.size() != quant.scale.size()) {
    return InvalidArgumentError(std::to_string(quant.scale.size()) + " scales but " +
                                std::to_string(quant.zero_point.size()) + " zero points");
  }
  if (quant.per_channel()) {
    const int32_t dim = quant.quantized_dimension;
    if (dim < 0 || dim >= static_cast<int32_t>(shape.size()) ||
        shape[dim] != static_cast<int32_t>(quant.scale.size())) {
      return InvalidArgumentError(std::to_string(quant.scale.size()) +
                                  " per-channel scales do not match dimension " +
                                  std::to_string(dim) + " of " + ShapeToString(shape));
    }
  }
  return Status::Ok();
}

Status DequantizeInto(DataType type, const Shape& shape, const Quantization& quant,
                      const void* data, size_t bytes, float* out) {
  VKD_RETURN_IF_ERROR(CheckDequantize(type, shape, quant));
  const int64_t count = NumElements(shape);
  if (count < 0 || static_cast<size_t>(count) * DataTypeSize(type) != bytes) {
    return InvalidArgumentError(std::to_string(bytes) + " bytes of data for " +
                                ShapeToString(shape) + " " + DataTypeName(type));
  }
  if (type == DataType::kFloat16) {
    const auto* h = static_cast<const uint16_t*>(data);
    for (int64_t i = 0; i < count; ++i) out[i] = HalfToFloat(h[i]);
    return Status::Ok();
  }
  int64_t outer = count, channels = 1, inner = 1;
  if (quant.per_channel()) {
    const int32_t dim = quant.quantized_dimension;
    outer = 1;
    for (int32_t d = 0; d < dim; ++d) outer *= shape[d];
    channels = shape[dim];
    for (size_t d = dim + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  switch (type) {
    case DataType::kUInt8:
      DequantizeTyped<uint8_t>(data, outer, channels, inner, quant, out);
      break;
    case DataType::kInt8:
      DequantizeTyped<int8_t>(data, outer, channels, inner, quant, out);
      break;
    case DataType::kInt16:
      DequantizeTyped<int16_t>(data, outer, channels, inner, quant, out);
      break;
    case DataType::kInt32:
      DequantizeTyped<int32_t>(data, outer, channels, inner, quant, out);
      break;
    default:
      DequantizeTyped<int64_t>(data, outer, channels, inner, quant, out);
      break;
  }
  return Status::Ok();
}

StatusOr<std::vector<float>> DequantizeValues(DataType type, const Shape& shape,
                                              const Quantization& quant, const void* data,
                                              size_t bytes) {
  const int64_t count = NumElements(shape);
  if (count < 0) return InvalidArgumentError("bad shape " + ShapeToString(shape));
  std::vector<float> out(static_cast<size_t>(count));
  VKD_RETURN_IF_ERROR(DequantizeInto(type, shape, quant, data, bytes, out.data()));
  return out;
}

}  // namespace vkd::ir
