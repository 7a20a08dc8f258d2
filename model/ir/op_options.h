// Typed attributes of graph nodes: one struct per option family, held in a
// std::variant. Kernels read them with std::get_if; an op whose model stored
// no options gets the struct's defaults (TFLite does the same).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "model/ir/data_type.h"

namespace vkd::ir {

// Fused activation applied to an op's output. Values equal TFLite's
// ActivationFunctionType.
enum class Activation : int8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};
const char* ActivationName(Activation a);

// Values equal TFLite's Padding.
enum class Padding : int8_t { kSame = 0, kValid = 1 };

struct Conv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  Activation activation = Activation::kNone;
};

struct DepthwiseConv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  // Redundant with the filter's shape (TFLite derives it from channel counts
  // too); kept for diagnostics.
  int32_t depth_multiplier = 1;
  Activation activation = Activation::kNone;
};

struct TransposeConvOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  Activation activation = Activation::kNone;
};

struct Pool2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t filter_w = 1, filter_h = 1;
  Activation activation = Activation::kNone;
};

struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
  // Hybrid (float in, int8 weights) only: quantize inputs with a zero point.
  bool asymmetric_quantize_inputs = false;
  // SHUFFLED4x16INT8 weights are a TFLite-internal layout; the reader rejects them.
  bool shuffled_weights = false;
};

// ADD, SUB, MUL, DIV: only a fused activation.
struct ElementwiseOptions {
  Activation activation = Activation::kNone;
  bool pot_scale_int16 = true;  // ADD/SUB int16 only
};

struct ConcatenationOptions {
  int32_t axis = 0;
  Activation activation = Activation::kNone;
};

struct ReshapeOptions {
  // The target shape when the model gives it as an option rather than as the
  // second input. Empty when absent.
  std::vector<int32_t> new_shape;
  bool has_new_shape = false;
};

struct SoftmaxOptions {
  float beta = 1.0f;
};

// MEAN, SUM, REDUCE_MAX, ...
struct ReducerOptions {
  bool keep_dims = false;
};

struct SqueezeOptions {
  std::vector<int32_t> squeeze_dims;
};

struct SplitOptions {
  int32_t num_splits = 0;
};

struct StridedSliceOptions {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0;
  int32_t new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
};

struct CastOptions {
  DataType in_type = DataType::kFloat32;
  DataType out_type = DataType::kFloat32;
};

struct ArgMaxOptions {
  DataType output_type = DataType::kInt64;
};

struct PackOptions {
  int32_t values_count = 0;
  int32_t axis = 0;
};

struct UnpackOptions {
  int32_t num = 0;
  int32_t axis = 0;
};

struct ResizeOptions {
  bool align_corners = false;
  bool half_pixel_centers = false;
};

struct LeakyReluOptions {
  float alpha = 0.2f;
};

// UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's UnidirectionalSequenceLSTMOptions).
struct UnidirectionalSequenceLstmOptions {
  // Applied to the cell gate and to the cell state before the output gate
  // (TANH in every converter-made model).
  Activation activation = Activation::kNone;
  float cell_clip = 0.0f;   // 0: no clipping
  float proj_clip = 0.0f;   // 0: no clipping
  bool time_major = false;  // input [time, batch, n] when true, else [batch, time, n]
  bool asymmetric_quantize_inputs = false;  // hybrid only
};

// SVDF (TFLite's SVDFOptions).
struct SvdfOptions {
  int32_t rank = 0;
  Activation activation = Activation::kNone;
  bool asymmetric_quantize_inputs = false;  // hybrid only
};

// GATHER (TFLite's GatherOptions): negative axis counts from the end;
// batch_dims leading dimensions are shared by params and indices.
struct GatherOptions {
  int32_t axis = 0;
  int32_t batch_dims = 0;
};

using OpOptions =
    std::variant<std::monostate, Conv2DOptions, DepthwiseConv2DOptions, TransposeConvOptions,
                 Pool2DOptions, FullyConnectedOptions, ElementwiseOptions, ConcatenationOptions,
                 ReshapeOptions, SoftmaxOptions, ReducerOptions, SqueezeOptions, SplitOptions,
                 StridedSliceOptions, CastOptions, ArgMaxOptions, PackOptions, UnpackOptions,
                 ResizeOptions, LeakyReluOptions, UnidirectionalSequenceLstmOptions, SvdfOptions,
                 GatherOptions>;

}  // namespace vkd::ir
