// TfLiteType <-> ir::DataType. TFLite's C enum and the .tflite schema's
// TensorType number the same types differently (FLOAT32 is 1 in one, 0 in
// the other); the mapping is spelled out once, in model/codec/op_options_codec.cc.
#pragma once

#include <optional>

#include "model/codec/op_options_codec.h"
#include "model/ir/data_type.h"
#include "tensorflow/lite/c/common.h"

namespace vkd::tflite_glue {

// The numbering op_options_codec.cc spells out, checked against TFLite's
// own enum here where its header is at hand.
static_assert(kTfLiteFloat32 == 1 && kTfLiteInt32 == 2 && kTfLiteUInt8 == 3 &&
                  kTfLiteInt64 == 4 && kTfLiteString == 5 && kTfLiteBool == 6 &&
                  kTfLiteInt16 == 7 && kTfLiteComplex64 == 8 && kTfLiteInt8 == 9 &&
                  kTfLiteFloat16 == 10 && kTfLiteFloat64 == 11,
              "TfLiteType numbering");

inline std::optional<ir::DataType> FromTfLiteType(TfLiteType t) {
  return codec::DataTypeFromTfLiteType(static_cast<int>(t));
}

}  // namespace vkd::tflite_glue
