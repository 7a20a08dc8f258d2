#include "model/codec/op_options_codec.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "model/codec/tflite_builtin_data.h"

namespace vkd::codec {
namespace {

using BO = tfl::BuiltinOptions;
using flatbuffers::FlatBufferBuilder;
using Written = std::pair<BO, flatbuffers::Offset<void>>;

// --- shared conversions ------------------------------------------------------

StatusOr<ir::Activation> ReadActivation(tfl::ActivationFunctionType a) {
  const int v = static_cast<int>(a);
  if (v < 0 || v > static_cast<int>(ir::Activation::kSignBit)) {
    return DataLossError("fused activation " + std::to_string(v) + " is not a known value");
  }
  return static_cast<ir::Activation>(v);
}

StatusOr<ir::Padding> ReadPadding(tfl::Padding p) {
  if (p == tfl::Padding::SAME) return ir::Padding::kSame;
  if (p == tfl::Padding::VALID) return ir::Padding::kValid;
  return DataLossError("padding " + std::to_string(static_cast<int>(p)) + " is not SAME or VALID");
}

StatusOr<ir::DataType> ReadType(tfl::TensorType t) {
  const int v = static_cast<int>(t);
  if (v < 0 || v > static_cast<int>(ir::DataType::kFloat64)) {
    return UnimplementedError("tensor type " + std::string(tfl::EnumNameTensorType(t)) + " (" +
                              std::to_string(v) + ") unsupported");
  }
  return static_cast<ir::DataType>(v);
}

Status CheckStrides(int32_t sw, int32_t sh, const char* what) {
  if (sw <= 0 || sh <= 0 || sw > 4096 || sh > 4096) {
    return DataLossError(std::string(what) + " " + std::to_string(sh) + "x" + std::to_string(sw) +
                         " out of range");
  }
  return Status::Ok();
}

// Copied bytewise: the verifier of Debian's FlatBuffers checks a vector's
// alignment for its length prefix, not for 8-byte elements, so a vector in a
// hostile file may sit misaligned and a typed load would be undefined
// behaviour (found by fuzz_model).
template <typename T>
std::vector<T> ToVector(const flatbuffers::Vector<T>* v) {
  static_assert(std::is_arithmetic_v<T>, "scalar vectors only");
  if (!v) return {};
  std::vector<T> out(v->size());
  if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
  return out;
}

tfl::Padding ToTfl(ir::Padding p) { return static_cast<tfl::Padding>(p); }
tfl::ActivationFunctionType ToTfl(ir::Activation a) {
  return static_cast<tfl::ActivationFunctionType>(a);
}
tfl::TensorType ToTfl(ir::DataType t) { return static_cast<tfl::TensorType>(t); }

// abi::Padding -> ir::Padding. UNKNOWN (an options-less model) is SAME,
// TFLite's parser default.
ir::Padding FromAbi(abi::Padding p) {
  return p == abi::kPaddingValid ? ir::Padding::kValid : ir::Padding::kSame;
}

// Activations past SIGN_BIT (SIGMOID) have no IR value; no builtin op
// stores one, so such a node is left to the host.
bool FromAbi(abi::FusedActivation a, ir::Activation* out) {
  if (a < 0 || a > static_cast<int>(ir::Activation::kSignBit)) return false;
  *out = static_cast<ir::Activation>(a);
  return true;
}

// --- one codec per options struct ---------------------------------------------
// Claims(tag): the FlatBuffers union members read into this struct.
// Read(op): from the operator whose tag it claims. Write(fbb, op, o): the
// member TFLite expects for `op`. FromBuiltinData(op, data, o): from TFLite's
// struct for `op`; false when it cannot be represented.

template <typename T>
struct Codec;

template <>
struct Codec<ir::Conv2DOptions> {
  static bool Claims(BO tag) { return tag == BO::Conv2DOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_Conv2DOptions();
    ir::Conv2DOptions r;
    VKD_ASSIGN_OR_RETURN(r.padding, ReadPadding(o->padding()));
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.stride_w = o->stride_w();
    r.stride_h = o->stride_h();
    r.dilation_w = o->dilation_w_factor();
    r.dilation_h = o->dilation_h_factor();
    VKD_RETURN_IF_ERROR(CheckStrides(r.stride_w, r.stride_h, "stride"));
    VKD_RETURN_IF_ERROR(CheckStrides(r.dilation_w, r.dilation_h, "dilation"));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::Conv2DOptions& c) {
    return {BO::Conv2DOptions,
            tfl::CreateConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                     ToTfl(c.activation), c.dilation_w, c.dilation_h)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::Conv2DOptions* o) {
    auto* p = static_cast<const abi::ConvParams*>(data);
    o->padding = FromAbi(p->padding);
    o->stride_w = p->stride_width;
    o->stride_h = p->stride_height;
    o->dilation_w = p->dilation_width_factor;
    o->dilation_h = p->dilation_height_factor;
    return FromAbi(p->activation, &o->activation);
  }
};

template <>
struct Codec<ir::DepthwiseConv2DOptions> {
  static bool Claims(BO tag) { return tag == BO::DepthwiseConv2DOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_DepthwiseConv2DOptions();
    ir::DepthwiseConv2DOptions r;
    VKD_ASSIGN_OR_RETURN(r.padding, ReadPadding(o->padding()));
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.stride_w = o->stride_w();
    r.stride_h = o->stride_h();
    r.dilation_w = o->dilation_w_factor();
    r.dilation_h = o->dilation_h_factor();
    r.depth_multiplier = o->depth_multiplier();
    VKD_RETURN_IF_ERROR(CheckStrides(r.stride_w, r.stride_h, "stride"));
    VKD_RETURN_IF_ERROR(CheckStrides(r.dilation_w, r.dilation_h, "dilation"));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::DepthwiseConv2DOptions& c) {
    return {BO::DepthwiseConv2DOptions,
            tfl::CreateDepthwiseConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                              c.depth_multiplier, ToTfl(c.activation),
                                              c.dilation_w, c.dilation_h)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::DepthwiseConv2DOptions* o) {
    auto* p = static_cast<const abi::DepthwiseConvParams*>(data);
    o->padding = FromAbi(p->padding);
    o->stride_w = p->stride_width;
    o->stride_h = p->stride_height;
    o->dilation_w = p->dilation_width_factor;
    o->dilation_h = p->dilation_height_factor;
    o->depth_multiplier = p->depth_multiplier;
    return FromAbi(p->activation, &o->activation);
  }
};

template <>
struct Codec<ir::TransposeConvOptions> {
  static bool Claims(BO tag) { return tag == BO::TransposeConvOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_TransposeConvOptions();
    ir::TransposeConvOptions r;
    VKD_ASSIGN_OR_RETURN(r.padding, ReadPadding(o->padding()));
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.stride_w = o->stride_w();
    r.stride_h = o->stride_h();
    VKD_RETURN_IF_ERROR(CheckStrides(r.stride_w, r.stride_h, "stride"));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::TransposeConvOptions& c) {
    return {BO::TransposeConvOptions,
            tfl::CreateTransposeConvOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                            ToTfl(c.activation))
                .Union()};
  }
  // TFLite 2.9's TfLiteTransposeConvParams has no activation: the fused
  // activation stays NONE, as TFLite (and the CPU kernel) ignore it.
  static bool FromBuiltinData(ir::OpType, const void* data, ir::TransposeConvOptions* o) {
    auto* p = static_cast<const abi::TransposeConvParams*>(data);
    o->padding = FromAbi(p->padding);
    o->stride_w = p->stride_width;
    o->stride_h = p->stride_height;
    return true;
  }
};

template <>
struct Codec<ir::Pool2DOptions> {
  static bool Claims(BO tag) { return tag == BO::Pool2DOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_Pool2DOptions();
    ir::Pool2DOptions r;
    VKD_ASSIGN_OR_RETURN(r.padding, ReadPadding(o->padding()));
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.stride_w = o->stride_w();
    r.stride_h = o->stride_h();
    r.filter_w = o->filter_width();
    r.filter_h = o->filter_height();
    VKD_RETURN_IF_ERROR(CheckStrides(r.stride_w, r.stride_h, "stride"));
    VKD_RETURN_IF_ERROR(CheckStrides(r.filter_w, r.filter_h, "filter"));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::Pool2DOptions& c) {
    return {BO::Pool2DOptions,
            tfl::CreatePool2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h, c.filter_w,
                                     c.filter_h, ToTfl(c.activation))
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::Pool2DOptions* o) {
    auto* p = static_cast<const abi::PoolParams*>(data);
    o->padding = FromAbi(p->padding);
    o->stride_w = p->stride_width;
    o->stride_h = p->stride_height;
    o->filter_w = p->filter_width;
    o->filter_h = p->filter_height;
    return FromAbi(p->activation, &o->activation);
  }
};

template <>
struct Codec<ir::FullyConnectedOptions> {
  static bool Claims(BO tag) { return tag == BO::FullyConnectedOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_FullyConnectedOptions();
    ir::FullyConnectedOptions r;
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.keep_num_dims = o->keep_num_dims();
    r.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
    r.shuffled_weights = o->weights_format() != tfl::FullyConnectedOptionsWeightsFormat::DEFAULT;
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::FullyConnectedOptions& c) {
    return {BO::FullyConnectedOptions,
            tfl::CreateFullyConnectedOptions(
                fbb, ToTfl(c.activation),
                c.shuffled_weights ? tfl::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8
                                   : tfl::FullyConnectedOptionsWeightsFormat::DEFAULT,
                c.keep_num_dims, c.asymmetric_quantize_inputs)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::FullyConnectedOptions* o) {
    auto* p = static_cast<const abi::FullyConnectedParams*>(data);
    o->shuffled_weights = p->weights_format != 0;
    o->keep_num_dims = p->keep_num_dims;
    o->asymmetric_quantize_inputs = p->asymmetric_quantize_inputs;
    return FromAbi(p->activation, &o->activation);
  }
};

// ADD, SUB, MUL, DIV: four FlatBuffers tables, one IR struct.
template <>
struct Codec<ir::ElementwiseOptions> {
  static bool Claims(BO tag) {
    return tag == BO::AddOptions || tag == BO::SubOptions || tag == BO::MulOptions ||
           tag == BO::DivOptions;
  }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    ir::ElementwiseOptions r;
    tfl::ActivationFunctionType act;
    switch (op.builtin_options_type()) {
      case BO::AddOptions:
        act = op.builtin_options_as_AddOptions()->fused_activation_function();
        r.pot_scale_int16 = op.builtin_options_as_AddOptions()->pot_scale_int16();
        break;
      case BO::SubOptions:
        act = op.builtin_options_as_SubOptions()->fused_activation_function();
        r.pot_scale_int16 = op.builtin_options_as_SubOptions()->pot_scale_int16();
        break;
      case BO::MulOptions:
        act = op.builtin_options_as_MulOptions()->fused_activation_function();
        break;
      default:
        act = op.builtin_options_as_DivOptions()->fused_activation_function();
        break;
    }
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(act));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType op, const ir::ElementwiseOptions& c) {
    const auto act = ToTfl(c.activation);
    if (op == ir::OpType::kAdd)
      return {BO::AddOptions, tfl::CreateAddOptions(fbb, act, c.pot_scale_int16).Union()};
    if (op == ir::OpType::kSub)
      return {BO::SubOptions, tfl::CreateSubOptions(fbb, act, c.pot_scale_int16).Union()};
    if (op == ir::OpType::kMul) return {BO::MulOptions, tfl::CreateMulOptions(fbb, act).Union()};
    return {BO::DivOptions, tfl::CreateDivOptions(fbb, act).Union()};
  }
  static bool FromBuiltinData(ir::OpType op, const void* data, ir::ElementwiseOptions* o) {
    if (op == ir::OpType::kAdd || op == ir::OpType::kSub) {
      auto* p = static_cast<const abi::AddSubParams*>(data);
      o->pot_scale_int16 = p->pot_scale_int16;
      return FromAbi(p->activation, &o->activation);
    }
    return FromAbi(static_cast<const abi::ActivationOnlyParams*>(data)->activation,
                   &o->activation);
  }
};

template <>
struct Codec<ir::ConcatenationOptions> {
  static bool Claims(BO tag) { return tag == BO::ConcatenationOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_ConcatenationOptions();
    ir::ConcatenationOptions r;
    r.axis = o->axis();
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::ConcatenationOptions& c) {
    return {BO::ConcatenationOptions,
            tfl::CreateConcatenationOptions(fbb, c.axis, ToTfl(c.activation)).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::ConcatenationOptions* o) {
    auto* p = static_cast<const abi::ConcatenationParams*>(data);
    o->axis = p->axis;
    return FromAbi(p->activation, &o->activation);
  }
};

template <>
struct Codec<ir::ReshapeOptions> {
  static bool Claims(BO tag) { return tag == BO::ReshapeOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    ir::ReshapeOptions r;
    if (auto* ns = op.builtin_options_as_ReshapeOptions()->new_shape()) {
      r.new_shape = ToVector(ns);
      r.has_new_shape = true;
    }
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::ReshapeOptions& c) {
    if (!c.has_new_shape) return {BO::NONE, 0};
    return {BO::ReshapeOptions,
            tfl::CreateReshapeOptions(fbb, fbb.CreateVector(c.new_shape)).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::ReshapeOptions* o) {
    auto* p = static_cast<const abi::ReshapeParams*>(data);
    if (p->num_dimensions > 0 && p->num_dimensions <= abi::kMaxReshapeDims) {
      o->new_shape.assign(p->shape, p->shape + p->num_dimensions);
      o->has_new_shape = true;
    }
    return true;
  }
};

template <>
struct Codec<ir::SoftmaxOptions> {
  static bool Claims(BO tag) { return tag == BO::SoftmaxOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    return ir::OpOptions(ir::SoftmaxOptions{op.builtin_options_as_SoftmaxOptions()->beta()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::SoftmaxOptions& c) {
    return {BO::SoftmaxOptions, tfl::CreateSoftmaxOptions(fbb, c.beta).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::SoftmaxOptions* o) {
    o->beta = static_cast<const abi::SoftmaxParams*>(data)->beta;
    return true;
  }
};

// MEAN, SUM, REDUCE_MAX / MIN / PROD.
template <>
struct Codec<ir::ReducerOptions> {
  static bool Claims(BO tag) { return tag == BO::ReducerOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    return ir::OpOptions(ir::ReducerOptions{op.builtin_options_as_ReducerOptions()->keep_dims()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::ReducerOptions& c) {
    return {BO::ReducerOptions, tfl::CreateReducerOptions(fbb, c.keep_dims).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::ReducerOptions* o) {
    o->keep_dims = static_cast<const abi::ReducerParams*>(data)->keep_dims;
    return true;
  }
};

template <>
struct Codec<ir::SqueezeOptions> {
  static bool Claims(BO tag) { return tag == BO::SqueezeOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    return ir::OpOptions(
        ir::SqueezeOptions{ToVector(op.builtin_options_as_SqueezeOptions()->squeeze_dims())});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::SqueezeOptions& c) {
    return {BO::SqueezeOptions,
            tfl::CreateSqueezeOptions(fbb, fbb.CreateVector(c.squeeze_dims)).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::SqueezeOptions* o) {
    auto* p = static_cast<const abi::SqueezeParams*>(data);
    const int n = std::clamp(p->num_squeeze_dims, 0, 8);
    o->squeeze_dims.assign(p->squeeze_dims, p->squeeze_dims + n);
    return true;
  }
};

template <>
struct Codec<ir::SplitOptions> {
  static bool Claims(BO tag) { return tag == BO::SplitOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    return ir::OpOptions(ir::SplitOptions{op.builtin_options_as_SplitOptions()->num_splits()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::SplitOptions& c) {
    return {BO::SplitOptions, tfl::CreateSplitOptions(fbb, c.num_splits).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::SplitOptions* o) {
    o->num_splits = static_cast<const abi::SplitParams*>(data)->num_splits;
    return true;
  }
};

template <>
struct Codec<ir::StridedSliceOptions> {
  static bool Claims(BO tag) { return tag == BO::StridedSliceOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_StridedSliceOptions();
    ir::StridedSliceOptions r;
    r.begin_mask = o->begin_mask();
    r.end_mask = o->end_mask();
    r.ellipsis_mask = o->ellipsis_mask();
    r.new_axis_mask = o->new_axis_mask();
    r.shrink_axis_mask = o->shrink_axis_mask();
    r.offset = o->offset();
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::StridedSliceOptions& c) {
    return {BO::StridedSliceOptions,
            tfl::CreateStridedSliceOptions(fbb, c.begin_mask, c.end_mask, c.ellipsis_mask,
                                           c.new_axis_mask, c.shrink_axis_mask, c.offset)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::StridedSliceOptions* o) {
    auto* p = static_cast<const abi::StridedSliceParams*>(data);
    o->begin_mask = p->begin_mask;
    o->end_mask = p->end_mask;
    o->ellipsis_mask = p->ellipsis_mask;
    o->new_axis_mask = p->new_axis_mask;
    o->shrink_axis_mask = p->shrink_axis_mask;
    return true;
  }
};

template <>
struct Codec<ir::CastOptions> {
  static bool Claims(BO tag) { return tag == BO::CastOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_CastOptions();
    ir::CastOptions r;
    VKD_ASSIGN_OR_RETURN(r.in_type, ReadType(o->in_data_type()));
    VKD_ASSIGN_OR_RETURN(r.out_type, ReadType(o->out_data_type()));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::CastOptions& c) {
    return {BO::CastOptions,
            tfl::CreateCastOptions(fbb, ToTfl(c.in_type), ToTfl(c.out_type)).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::CastOptions* o) {
    auto* p = static_cast<const abi::CastParams*>(data);
    auto in = DataTypeFromTfLiteType(p->in_data_type);
    auto out = DataTypeFromTfLiteType(p->out_data_type);
    if (!in || !out) return false;
    *o = ir::CastOptions{*in, *out};
    return true;
  }
};

template <>
struct Codec<ir::ArgMaxOptions> {
  static bool Claims(BO tag) { return tag == BO::ArgMaxOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    ir::ArgMaxOptions r;
    VKD_ASSIGN_OR_RETURN(r.output_type,
                         ReadType(op.builtin_options_as_ArgMaxOptions()->output_type()));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::ArgMaxOptions& c) {
    return {BO::ArgMaxOptions, tfl::CreateArgMaxOptions(fbb, ToTfl(c.output_type)).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::ArgMaxOptions* o) {
    auto t = DataTypeFromTfLiteType(static_cast<const abi::ArgMaxParams*>(data)->output_type);
    if (!t) return false;
    o->output_type = *t;
    return true;
  }
};

template <>
struct Codec<ir::PackOptions> {
  static bool Claims(BO tag) { return tag == BO::PackOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_PackOptions();
    return ir::OpOptions(ir::PackOptions{o->values_count(), o->axis()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::PackOptions& c) {
    return {BO::PackOptions, tfl::CreatePackOptions(fbb, c.values_count, c.axis).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::PackOptions* o) {
    auto* p = static_cast<const abi::PackParams*>(data);
    *o = ir::PackOptions{p->values_count, p->axis};
    return true;
  }
};

template <>
struct Codec<ir::UnpackOptions> {
  static bool Claims(BO tag) { return tag == BO::UnpackOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_UnpackOptions();
    return ir::OpOptions(ir::UnpackOptions{o->num(), o->axis()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::UnpackOptions& c) {
    return {BO::UnpackOptions, tfl::CreateUnpackOptions(fbb, c.num, c.axis).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::UnpackOptions* o) {
    auto* p = static_cast<const abi::UnpackParams*>(data);
    *o = ir::UnpackOptions{p->num, p->axis};
    return true;
  }
};

// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR.
template <>
struct Codec<ir::ResizeOptions> {
  static bool Claims(BO tag) {
    return tag == BO::ResizeBilinearOptions || tag == BO::ResizeNearestNeighborOptions;
  }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    if (op.builtin_options_type() == BO::ResizeBilinearOptions) {
      auto* o = op.builtin_options_as_ResizeBilinearOptions();
      return ir::OpOptions(ir::ResizeOptions{o->align_corners(), o->half_pixel_centers()});
    }
    auto* o = op.builtin_options_as_ResizeNearestNeighborOptions();
    return ir::OpOptions(ir::ResizeOptions{o->align_corners(), o->half_pixel_centers()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType op, const ir::ResizeOptions& c) {
    if (op == ir::OpType::kResizeBilinear) {
      return {BO::ResizeBilinearOptions,
              tfl::CreateResizeBilinearOptions(fbb, c.align_corners, c.half_pixel_centers).Union()};
    }
    return {BO::ResizeNearestNeighborOptions,
            tfl::CreateResizeNearestNeighborOptions(fbb, c.align_corners, c.half_pixel_centers)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::ResizeOptions* o) {
    auto* p = static_cast<const abi::ResizeParams*>(data);
    *o = ir::ResizeOptions{p->align_corners, p->half_pixel_centers};
    return true;
  }
};

template <>
struct Codec<ir::LeakyReluOptions> {
  static bool Claims(BO tag) { return tag == BO::LeakyReluOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    return ir::OpOptions(ir::LeakyReluOptions{op.builtin_options_as_LeakyReluOptions()->alpha()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::LeakyReluOptions& c) {
    return {BO::LeakyReluOptions, tfl::CreateLeakyReluOptions(fbb, c.alpha).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::LeakyReluOptions* o) {
    o->alpha = static_cast<const abi::LeakyReluParams*>(data)->alpha;
    return true;
  }
};

template <>
struct Codec<ir::UnidirectionalSequenceLstmOptions> {
  static bool Claims(BO tag) { return tag == BO::UnidirectionalSequenceLSTMOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_UnidirectionalSequenceLSTMOptions();
    ir::UnidirectionalSequenceLstmOptions r;
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.cell_clip = o->cell_clip();
    r.proj_clip = o->proj_clip();
    r.time_major = o->time_major();
    r.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType,
                       const ir::UnidirectionalSequenceLstmOptions& c) {
    return {BO::UnidirectionalSequenceLSTMOptions,
            tfl::CreateUnidirectionalSequenceLSTMOptions(fbb, ToTfl(c.activation), c.cell_clip,
                                                         c.proj_clip, c.time_major,
                                                         c.asymmetric_quantize_inputs)
                .Union()};
  }
  // TfLiteUnidirectionalSequenceLSTMParams is not mirrored (no GPU kernel
  // needs it): such a node stays with the host rather than run on guessed
  // defaults.
  static bool FromBuiltinData(ir::OpType, const void*, ir::UnidirectionalSequenceLstmOptions*) {
    return false;
  }
};

template <>
struct Codec<ir::SvdfOptions> {
  static bool Claims(BO tag) { return tag == BO::SVDFOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_SVDFOptions();
    ir::SvdfOptions r;
    r.rank = o->rank();
    VKD_ASSIGN_OR_RETURN(r.activation, ReadActivation(o->fused_activation_function()));
    r.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::SvdfOptions& c) {
    return {BO::SVDFOptions,
            tfl::CreateSVDFOptions(fbb, c.rank, ToTfl(c.activation), c.asymmetric_quantize_inputs)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::SvdfOptions* o) {
    auto* p = static_cast<const abi::SvdfParams*>(data);
    o->rank = p->rank;
    o->asymmetric_quantize_inputs = p->asymmetric_quantize_inputs;
    return FromAbi(p->activation, &o->activation);
  }
};

template <>
struct Codec<ir::GatherOptions> {
  static bool Claims(BO tag) { return tag == BO::GatherOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_GatherOptions();
    return ir::OpOptions(ir::GatherOptions{o->axis(), o->batch_dims()});
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::GatherOptions& c) {
    return {BO::GatherOptions, tfl::CreateGatherOptions(fbb, c.axis, c.batch_dims).Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::GatherOptions* o) {
    auto* p = static_cast<const abi::GatherParams*>(data);
    *o = ir::GatherOptions{p->axis, p->batch_dims};
    return true;
  }
};

// Ops without IR options whose (empty) FlatBuffers table the converter
// writes: kept so written models match TFLite's own.
Written WriteEmptyOptions(FlatBufferBuilder& fbb, ir::OpType op) {
  switch (op) {
    case ir::OpType::kPad:
      return {BO::PadOptions, tfl::CreatePadOptions(fbb).Union()};
    case ir::OpType::kPadv2:
      return {BO::PadV2Options, tfl::CreatePadV2Options(fbb).Union()};
    case ir::OpType::kDequantize:
      return {BO::DequantizeOptions, tfl::CreateDequantizeOptions(fbb).Union()};
    case ir::OpType::kQuantize:
      return {BO::QuantizeOptions, tfl::CreateQuantizeOptions(fbb).Union()};
    case ir::OpType::kHardSwish:
      return {BO::HardSwishOptions, tfl::CreateHardSwishOptions(fbb).Union()};
    case ir::OpType::kMaximum:
    case ir::OpType::kMinimum:
      return {BO::MaximumMinimumOptions, tfl::CreateMaximumMinimumOptions(fbb).Union()};
    default:
      return {BO::NONE, 0};
  }
}

// The options struct whose codec claims `tag`, over the IR's variant (each
// alternative must have a Codec, or this does not compile).
template <typename... T>
StatusOr<ir::OpOptions> ReadClaimed(const tfl::Operator& op, std::variant<std::monostate, T...>*) {
  StatusOr<ir::OpOptions> result = ir::OpOptions();
  const BO tag = op.builtin_options_type();
  const bool claimed = ((Codec<T>::Claims(tag) ? (result = Codec<T>::Read(op), true) : false) || ...);
  (void)claimed;  // no codec: options of an op the IR keeps none for
  return result;
}

}  // namespace

StatusOr<ir::OpOptions> ReadOptions(ir::OpType op, const tfl::Operator& table) {
  // A union tag without its table (found by fuzz_model): TFLite's parser
  // then takes the defaults, and so do we.
  ir::OpOptions options;
  if (table.builtin_options() != nullptr) {
    VKD_ASSIGN_OR_RETURN(options, ReadClaimed(table, static_cast<ir::OpOptions*>(nullptr)));
  }
  if (std::holds_alternative<std::monostate>(options)) options = ir::DefaultOptions(op);
  return options;
}

std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>> WriteOptions(FlatBufferBuilder& fbb,
                                                                      const ir::Node& node) {
  // Written as the op's own family; options of another family (a hostile
  // model's tag) give way to the op's defaults, as TFLite expects.
  ir::OpOptions options = ir::DefaultOptions(node.op);
  if (node.options.index() == options.index()) options = node.options;
  return std::visit(
      [&](const auto& o) -> Written {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return WriteEmptyOptions(fbb, node.op);
        } else {
          return Codec<T>::Write(fbb, node.op, o);
        }
      },
      options);
}

bool OptionsFromBuiltinData(ir::OpType op, const void* builtin_data, ir::OpOptions* out) {
  *out = ir::DefaultOptions(op);
  if (builtin_data == nullptr) return true;
  return std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return true;  // nothing to read
        } else {
          return Codec<T>::FromBuiltinData(op, builtin_data, &o);
        }
      },
      *out);
}

std::optional<ir::DataType> DataTypeFromTfLiteType(int tflite_type) {
  // TfLiteType (tensorflow/lite/c/common.h): kTfLiteNoType 0, Float32 1,
  // Int32 2, UInt8 3, Int64 4, String 5, Bool 6, Int16 7, Complex64 8,
  // Int8 9, Float16 10, Float64 11.
  switch (tflite_type) {
    case 1:
      return ir::DataType::kFloat32;
    case 2:
      return ir::DataType::kInt32;
    case 3:
      return ir::DataType::kUInt8;
    case 4:
      return ir::DataType::kInt64;
    case 5:
      return ir::DataType::kString;
    case 6:
      return ir::DataType::kBool;
    case 7:
      return ir::DataType::kInt16;
    case 8:
      return ir::DataType::kComplex64;
    case 9:
      return ir::DataType::kInt8;
    case 10:
      return ir::DataType::kFloat16;
    case 11:
      return ir::DataType::kFloat64;
    default:
      return std::nullopt;
  }
}

}  // namespace vkd::codec
