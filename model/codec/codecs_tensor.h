// Options codecs of the tensor-shaping, reduction and sequence ops:
// CONCATENATION, RESHAPE, SOFTMAX, the reducers, SQUEEZE, SPLIT,
// STRIDED_SLICE, CAST, ARG_MAX, PACK, UNPACK, the resizes, LEAKY_RELU,
// UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF and GATHER.
#pragma once

#include <algorithm>

#include "model/codec/codec_util.h"

namespace vkd::codec::detail {

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

}  // namespace vkd::codec::detail
