// The layouts of TFLite 2.9's per-op option structs (TfLiteNode::builtin_data)
// for the ops vkdelegate reads: facts of TFLite's C ABI, as the schema is of
// the file format, so they live with the model layer and need no TFLite
// header.
//
// TFLite's C API ships common.h (tensors, nodes, the delegate interface) but
// not builtin_op_data.h, so the delegate cannot include the structs TFLite's
// parser fills. Their layouts are part of TFLite's C ABI: fields are only
// ever appended, never reordered, so reading the leading fields written here
// is valid for 2.9 and later. Only the ops the IR gives options to are
// mirrored; op_options_codec.cc converts them. The host tests check every one of
// them end to end (wrong layouts would show up as wrong outputs there).
#pragma once

#include <cstdint>

namespace vkd::codec::abi {

// TfLitePadding: 0 unknown, 1 SAME, 2 VALID (not the schema's numbering).
enum Padding : int { kPaddingUnknown = 0, kPaddingSame = 1, kPaddingValid = 2 };

// TfLiteFusedActivation: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT,
// SIGMOID — the schema's order, plus SIGMOID which no builtin op stores.
using FusedActivation = int;

struct ConvParams {
  Padding padding;
  int stride_width;
  int stride_height;
  FusedActivation activation;
  int dilation_width_factor;
  int dilation_height_factor;
};

struct PoolParams {
  Padding padding;
  int stride_width;
  int stride_height;
  int filter_width;
  int filter_height;
  FusedActivation activation;
  // struct { TfLitePaddingValues padding; } computed; follows (unread).
};

struct DepthwiseConvParams {
  Padding padding;
  int stride_width;
  int stride_height;
  int depth_multiplier;
  FusedActivation activation;
  int dilation_width_factor;
  int dilation_height_factor;
};

struct FullyConnectedParams {
  FusedActivation activation;
  int weights_format;  // 0 default, 1 shuffled 4x16 int8
  bool keep_num_dims;
  bool asymmetric_quantize_inputs;
};

struct SoftmaxParams {
  float beta;
};

struct ConcatenationParams {
  int axis;
  FusedActivation activation;
};

// ADD and SUB (SUB's pot_scale_int16 sits at the same offset).
struct AddSubParams {
  FusedActivation activation;
  bool pot_scale_int16;
};

// MUL and DIV.
struct ActivationOnlyParams {
  FusedActivation activation;
};

struct ResizeParams {  // RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR
  bool align_corners;
  bool half_pixel_centers;
};

constexpr int kMaxReshapeDims = 8;
struct ReshapeParams {
  int shape[kMaxReshapeDims];
  int num_dimensions;
};

struct ReducerParams {
  bool keep_dims;
};

struct SplitParams {
  int num_splits;
};

struct SqueezeParams {
  int squeeze_dims[8];
  int num_squeeze_dims;
};

struct StridedSliceParams {
  int begin_mask;
  int end_mask;
  int ellipsis_mask;
  int new_axis_mask;
  int shrink_axis_mask;
};

// TfLiteType is a C enum: an int (DataTypeFromTfLiteType maps it).
struct CastParams {
  int in_data_type;
  int out_data_type;
};

struct ArgMaxParams {
  int output_type;
};

struct TransposeConvParams {
  Padding padding;
  int stride_width;
  int stride_height;
};

struct PackParams {
  int values_count;
  int axis;
};

struct UnpackParams {
  int num;
  int axis;
};

struct LeakyReluParams {
  float alpha;
};

struct GatherParams {
  int axis;
  int batch_dims;
};

struct SvdfParams {
  int rank;
  FusedActivation activation;
  bool asymmetric_quantize_inputs;
};

}  // namespace vkd::codec::abi
