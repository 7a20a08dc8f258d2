// Options codecs of the window and arithmetic ops: CONV_2D,
// DEPTHWISE_CONV_2D, TRANSPOSE_CONV, the 2-D pools, FULLY_CONNECTED and
// ADD/SUB/MUL/DIV (op_options_codec.h says what a codec holds).
#pragma once

#include "model/codec/codec_util.h"

namespace vkd::codec::detail {

// The window fields CONV_2D and DEPTHWISE_CONV_2D share, from either
// FlatBuffers table / either TFLite struct (same field names in each pair).
template <typename Table, typename Options>
Status ReadConvWindow(const Table* o, Options* r) {
  VKD_ASSIGN_OR_RETURN(r->padding, ReadPadding(o->padding()));
  VKD_ASSIGN_OR_RETURN(r->activation, ReadActivation(o->fused_activation_function()));
  r->stride_w = o->stride_w();
  r->stride_h = o->stride_h();
  r->dilation_w = o->dilation_w_factor();
  r->dilation_h = o->dilation_h_factor();
  VKD_RETURN_IF_ERROR(CheckStrides(r->stride_w, r->stride_h, "stride"));
  return CheckStrides(r->dilation_w, r->dilation_h, "dilation");
}

template <typename Params, typename Options>
bool ConvWindowFromAbi(const Params* p, Options* o) {
  o->padding = FromAbi(p->padding);
  o->stride_w = p->stride_width;
  o->stride_h = p->stride_height;
  o->dilation_w = p->dilation_width_factor;
  o->dilation_h = p->dilation_height_factor;
  return FromAbi(p->activation, &o->activation);
}

template <>
struct Codec<ir::Conv2DOptions> {
  static bool Claims(BO tag) { return tag == BO::Conv2DOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    ir::Conv2DOptions r;
    VKD_RETURN_IF_ERROR(ReadConvWindow(op.builtin_options_as_Conv2DOptions(), &r));
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::Conv2DOptions& c) {
    return {BO::Conv2DOptions,
            tfl::CreateConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                     ToTfl(c.activation), c.dilation_w, c.dilation_h)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::Conv2DOptions* o) {
    return ConvWindowFromAbi(static_cast<const abi::ConvParams*>(data), o);
  }
};

template <>
struct Codec<ir::DepthwiseConv2DOptions> {
  static bool Claims(BO tag) { return tag == BO::DepthwiseConv2DOptions; }
  static StatusOr<ir::OpOptions> Read(const tfl::Operator& op) {
    auto* o = op.builtin_options_as_DepthwiseConv2DOptions();
    ir::DepthwiseConv2DOptions r;
    VKD_RETURN_IF_ERROR(ReadConvWindow(o, &r));
    r.depth_multiplier = o->depth_multiplier();
    return ir::OpOptions(r);
  }
  static Written Write(FlatBufferBuilder& fbb, ir::OpType, const ir::DepthwiseConv2DOptions& c) {
    return {BO::DepthwiseConv2DOptions,
            tfl::CreateDepthwiseConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                              c.depth_multiplier, ToTfl(c.activation), c.dilation_w,
                                              c.dilation_h)
                .Union()};
  }
  static bool FromBuiltinData(ir::OpType, const void* data, ir::DepthwiseConv2DOptions* o) {
    auto* p = static_cast<const abi::DepthwiseConvParams*>(data);
    o->depth_multiplier = p->depth_multiplier;
    return ConvWindowFromAbi(p, o);
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
    return FromAbi(static_cast<const abi::ActivationOnlyParams*>(data)->activation, &o->activation);
  }
};

}  // namespace vkd::codec::detail
