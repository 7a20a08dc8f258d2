// TfLiteType <-> ir::DataType. TFLite's C enum and the .tflite schema's
// TensorType number the same types differently (FLOAT32 is 1 in one, 0 in
// the other), so the mapping is spelled out.
#pragma once

#include <optional>

#include "model/ir/data_type.h"
#include "tensorflow/lite/c/common.h"

namespace vkd::tflite_glue {

inline std::optional<ir::DataType> FromTfLiteType(TfLiteType t) {
  switch (t) {
    case kTfLiteFloat32:
      return ir::DataType::kFloat32;
    case kTfLiteFloat16:
      return ir::DataType::kFloat16;
    case kTfLiteFloat64:
      return ir::DataType::kFloat64;
    case kTfLiteInt32:
      return ir::DataType::kInt32;
    case kTfLiteUInt8:
      return ir::DataType::kUInt8;
    case kTfLiteInt64:
      return ir::DataType::kInt64;
    case kTfLiteString:
      return ir::DataType::kString;
    case kTfLiteBool:
      return ir::DataType::kBool;
    case kTfLiteInt16:
      return ir::DataType::kInt16;
    case kTfLiteComplex64:
      return ir::DataType::kComplex64;
    case kTfLiteInt8:
      return ir::DataType::kInt8;
    default:
      return std::nullopt;
  }
}

}  // namespace vkd::tflite_glue
