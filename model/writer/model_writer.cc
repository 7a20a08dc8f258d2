#include "model/writer/model_writer.h"

#include <flatbuffers/flatbuffers.h>

#include <cstdio>
#include <map>
#include <tuple>

#include "schema/tflite_model_generated.h"

namespace vkd::writer {
namespace {

namespace tfl = ::vkd::tfl;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

tfl::Padding ToTfl(ir::Padding p) { return static_cast<tfl::Padding>(p); }
tfl::ActivationFunctionType ToTfl(ir::Activation a) {
  return static_cast<tfl::ActivationFunctionType>(a);
}
tfl::TensorType ToTfl(ir::DataType t) { return static_cast<tfl::TensorType>(t); }

// Writes the node's options as the union member TFLite expects for its op.
std::pair<tfl::BuiltinOptions, Offset<void>> WriteOptions(FlatBufferBuilder& fbb,
                                                          const ir::Node& node) {
  using BO = tfl::BuiltinOptions;
  const ir::OpOptions& o = node.options;
  switch (node.op) {
    case ir::OpType::kConv2d: {
      auto c =
          std::get_if<ir::Conv2DOptions>(&o) ? std::get<ir::Conv2DOptions>(o) : ir::Conv2DOptions{};
      return {BO::Conv2DOptions,
              tfl::CreateConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                       ToTfl(c.activation), c.dilation_w, c.dilation_h)
                  .Union()};
    }
    case ir::OpType::kDepthwiseConv2d: {
      auto c = std::get_if<ir::DepthwiseConv2DOptions>(&o) ? std::get<ir::DepthwiseConv2DOptions>(o)
                                                           : ir::DepthwiseConv2DOptions{};
      return {BO::DepthwiseConv2DOptions,
              tfl::CreateDepthwiseConv2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                                c.depth_multiplier, ToTfl(c.activation),
                                                c.dilation_w, c.dilation_h)
                  .Union()};
    }
    case ir::OpType::kTransposeConv: {
      auto c = std::get_if<ir::TransposeConvOptions>(&o) ? std::get<ir::TransposeConvOptions>(o)
                                                         : ir::TransposeConvOptions{};
      return {BO::TransposeConvOptions,
              tfl::CreateTransposeConvOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h,
                                              ToTfl(c.activation))
                  .Union()};
    }
    case ir::OpType::kAveragePool2d:
    case ir::OpType::kMaxPool2d: {
      auto c =
          std::get_if<ir::Pool2DOptions>(&o) ? std::get<ir::Pool2DOptions>(o) : ir::Pool2DOptions{};
      return {BO::Pool2DOptions,
              tfl::CreatePool2DOptions(fbb, ToTfl(c.padding), c.stride_w, c.stride_h, c.filter_w,
                                       c.filter_h, ToTfl(c.activation))
                  .Union()};
    }
    case ir::OpType::kFullyConnected: {
      auto c = std::get_if<ir::FullyConnectedOptions>(&o) ? std::get<ir::FullyConnectedOptions>(o)
                                                          : ir::FullyConnectedOptions{};
      return {BO::FullyConnectedOptions,
              tfl::CreateFullyConnectedOptions(
                  fbb, ToTfl(c.activation),
                  c.shuffled_weights ? tfl::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8
                                     : tfl::FullyConnectedOptionsWeightsFormat::DEFAULT,
                  c.keep_num_dims, c.asymmetric_quantize_inputs)
                  .Union()};
    }
    case ir::OpType::kAdd:
    case ir::OpType::kSub:
    case ir::OpType::kMul:
    case ir::OpType::kDiv: {
      auto c = std::get_if<ir::ElementwiseOptions>(&o) ? std::get<ir::ElementwiseOptions>(o)
                                                       : ir::ElementwiseOptions{};
      auto act = ToTfl(c.activation);
      if (node.op == ir::OpType::kAdd)
        return {BO::AddOptions, tfl::CreateAddOptions(fbb, act, c.pot_scale_int16).Union()};
      if (node.op == ir::OpType::kSub)
        return {BO::SubOptions, tfl::CreateSubOptions(fbb, act, c.pot_scale_int16).Union()};
      if (node.op == ir::OpType::kMul)
        return {BO::MulOptions, tfl::CreateMulOptions(fbb, act).Union()};
      return {BO::DivOptions, tfl::CreateDivOptions(fbb, act).Union()};
    }
    case ir::OpType::kConcatenation: {
      auto c = std::get_if<ir::ConcatenationOptions>(&o) ? std::get<ir::ConcatenationOptions>(o)
                                                         : ir::ConcatenationOptions{};
      return {BO::ConcatenationOptions,
              tfl::CreateConcatenationOptions(fbb, c.axis, ToTfl(c.activation)).Union()};
    }
    case ir::OpType::kReshape: {
      auto c = std::get_if<ir::ReshapeOptions>(&o) ? std::get<ir::ReshapeOptions>(o)
                                                   : ir::ReshapeOptions{};
      if (!c.has_new_shape) return {BO::NONE, 0};
      return {BO::ReshapeOptions,
              tfl::CreateReshapeOptions(fbb, fbb.CreateVector(c.new_shape)).Union()};
    }
    case ir::OpType::kSoftmax: {
      auto c = std::get_if<ir::SoftmaxOptions>(&o) ? std::get<ir::SoftmaxOptions>(o)
                                                   : ir::SoftmaxOptions{};
      return {BO::SoftmaxOptions, tfl::CreateSoftmaxOptions(fbb, c.beta).Union()};
    }
    case ir::OpType::kMean:
    case ir::OpType::kSum:
    case ir::OpType::kReduceMax:
    case ir::OpType::kReduceMin:
    case ir::OpType::kReduceProd: {
      auto c = std::get_if<ir::ReducerOptions>(&o) ? std::get<ir::ReducerOptions>(o)
                                                   : ir::ReducerOptions{};
      return {BO::ReducerOptions, tfl::CreateReducerOptions(fbb, c.keep_dims).Union()};
    }
    case ir::OpType::kSqueeze: {
      auto c = std::get_if<ir::SqueezeOptions>(&o) ? std::get<ir::SqueezeOptions>(o)
                                                   : ir::SqueezeOptions{};
      return {BO::SqueezeOptions,
              tfl::CreateSqueezeOptions(fbb, fbb.CreateVector(c.squeeze_dims)).Union()};
    }
    case ir::OpType::kSplit: {
      auto c =
          std::get_if<ir::SplitOptions>(&o) ? std::get<ir::SplitOptions>(o) : ir::SplitOptions{};
      return {BO::SplitOptions, tfl::CreateSplitOptions(fbb, c.num_splits).Union()};
    }
    case ir::OpType::kStridedSlice: {
      auto c = std::get_if<ir::StridedSliceOptions>(&o) ? std::get<ir::StridedSliceOptions>(o)
                                                        : ir::StridedSliceOptions{};
      return {BO::StridedSliceOptions,
              tfl::CreateStridedSliceOptions(fbb, c.begin_mask, c.end_mask, c.ellipsis_mask,
                                             c.new_axis_mask, c.shrink_axis_mask, c.offset)
                  .Union()};
    }
    case ir::OpType::kCast: {
      auto c = std::get_if<ir::CastOptions>(&o) ? std::get<ir::CastOptions>(o) : ir::CastOptions{};
      return {BO::CastOptions,
              tfl::CreateCastOptions(fbb, ToTfl(c.in_type), ToTfl(c.out_type)).Union()};
    }
    case ir::OpType::kArgMax: {
      auto c =
          std::get_if<ir::ArgMaxOptions>(&o) ? std::get<ir::ArgMaxOptions>(o) : ir::ArgMaxOptions{};
      return {BO::ArgMaxOptions, tfl::CreateArgMaxOptions(fbb, ToTfl(c.output_type)).Union()};
    }
    case ir::OpType::kPack: {
      auto c = std::get_if<ir::PackOptions>(&o) ? std::get<ir::PackOptions>(o) : ir::PackOptions{};
      return {BO::PackOptions, tfl::CreatePackOptions(fbb, c.values_count, c.axis).Union()};
    }
    case ir::OpType::kUnpack: {
      auto c =
          std::get_if<ir::UnpackOptions>(&o) ? std::get<ir::UnpackOptions>(o) : ir::UnpackOptions{};
      return {BO::UnpackOptions, tfl::CreateUnpackOptions(fbb, c.num, c.axis).Union()};
    }
    case ir::OpType::kResizeBilinear: {
      auto c =
          std::get_if<ir::ResizeOptions>(&o) ? std::get<ir::ResizeOptions>(o) : ir::ResizeOptions{};
      return {BO::ResizeBilinearOptions,
              tfl::CreateResizeBilinearOptions(fbb, c.align_corners, c.half_pixel_centers).Union()};
    }
    case ir::OpType::kResizeNearestNeighbor: {
      auto c =
          std::get_if<ir::ResizeOptions>(&o) ? std::get<ir::ResizeOptions>(o) : ir::ResizeOptions{};
      return {BO::ResizeNearestNeighborOptions,
              tfl::CreateResizeNearestNeighborOptions(fbb, c.align_corners, c.half_pixel_centers)
                  .Union()};
    }
    case ir::OpType::kLeakyRelu: {
      auto c = std::get_if<ir::LeakyReluOptions>(&o) ? std::get<ir::LeakyReluOptions>(o)
                                                     : ir::LeakyReluOptions{};
      return {BO::LeakyReluOptions, tfl::CreateLeakyReluOptions(fbb, c.alpha).Union()};
    }
    case ir::OpType::kUnidirectionalSequenceLstm: {
      auto c = std::get_if<ir::UnidirectionalSequenceLstmOptions>(&o)
                   ? std::get<ir::UnidirectionalSequenceLstmOptions>(o)
                   : ir::UnidirectionalSequenceLstmOptions{};
      return {BO::UnidirectionalSequenceLSTMOptions,
              tfl::CreateUnidirectionalSequenceLSTMOptions(fbb, ToTfl(c.activation), c.cell_clip,
                                                           c.proj_clip, c.time_major,
                                                           c.asymmetric_quantize_inputs)
                  .Union()};
    }
    case ir::OpType::kGather: {
      auto c =
          std::get_if<ir::GatherOptions>(&o) ? std::get<ir::GatherOptions>(o) : ir::GatherOptions{};
      return {BO::GatherOptions, tfl::CreateGatherOptions(fbb, c.axis, c.batch_dims).Union()};
    }
    case ir::OpType::kSvdf: {
      auto c = std::get_if<ir::SvdfOptions>(&o) ? std::get<ir::SvdfOptions>(o) : ir::SvdfOptions{};
      return {BO::SVDFOptions,
              tfl::CreateSVDFOptions(fbb, c.rank, ToTfl(c.activation), c.asymmetric_quantize_inputs)
                  .Union()};
    }
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

}  // namespace

StatusOr<std::vector<uint8_t>> SerializeGraph(const ir::Graph& g, const std::string& description) {
  const int num_tensors = static_cast<int>(g.tensors.size());
  auto check_index = [&](int32_t t, bool allow_absent) {
    return (allow_absent && t == ir::kNoTensor) || (t >= 0 && t < num_tensors);
  };
  FlatBufferBuilder fbb(1 << 16);

  // Buffer 0 is the empty sentinel; each constant gets its own buffer.
  std::vector<Offset<tfl::Buffer>> buffers;
  buffers.push_back(tfl::CreateBuffer(fbb));
  std::vector<uint32_t> tensor_buffer(num_tensors, 0);
  for (int i = 0; i < num_tensors; ++i) {
    const ir::Tensor& t = g.tensors[i];
    if (!t.is_constant()) continue;
    fbb.ForceVectorAlignment(t.data_bytes, 1, 16);
    auto data = fbb.CreateVector(t.data, t.data_bytes);
    tensor_buffer[i] = static_cast<uint32_t>(buffers.size());
    buffers.push_back(tfl::CreateBuffer(fbb, data));
  }

  std::vector<Offset<tfl::Tensor>> tensors;
  for (int i = 0; i < num_tensors; ++i) {
    const ir::Tensor& t = g.tensors[i];
    Offset<tfl::QuantizationParameters> q = 0;
    if (!t.quant.empty()) {
      q = tfl::CreateQuantizationParameters(
          fbb, 0, 0, fbb.CreateVector(t.quant.scale), fbb.CreateVector(t.quant.zero_point),
          tfl::QuantizationDetails::NONE, 0, t.quant.quantized_dimension);
    }
    auto shape = fbb.CreateVector(t.shape);
    auto sig = t.shape_signature.empty() ? 0 : fbb.CreateVector(t.shape_signature);
    tensors.push_back(tfl::CreateTensor(fbb, shape, ToTfl(t.type), tensor_buffer[i],
                                        fbb.CreateString(t.name), q, t.is_variable, 0, sig));
  }

  // Operator codes, one per (op, version, custom name).
  std::map<std::tuple<int32_t, int32_t, std::string>, uint32_t> code_index;
  std::vector<Offset<tfl::OperatorCode>> codes;
  std::vector<Offset<tfl::Operator>> operators;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const ir::Node& node = g.nodes[n];
    for (int32_t t : node.inputs) {
      if (!check_index(t, true))
        return OutOfRangeError(ir::NodeLabel(g, static_cast<int>(n)) +
                               ": input tensor index out of range");
    }
    for (int32_t t : node.outputs) {
      if (!check_index(t, false))
        return OutOfRangeError(ir::NodeLabel(g, static_cast<int>(n)) +
                               ": output tensor index out of range");
    }
    for (int32_t t : node.intermediates) {
      if (!check_index(t, false))
        return OutOfRangeError(ir::NodeLabel(g, static_cast<int>(n)) +
                               ": intermediate tensor index out of range");
    }
    const int32_t code = static_cast<int32_t>(node.op);
    auto key = std::make_tuple(code, node.version, node.custom_name);
    auto it = code_index.find(key);
    if (it == code_index.end()) {
      // Codes above 127 live only in builtin_code; the byte holds the placeholder.
      const int8_t legacy = static_cast<int8_t>(code < 127 ? code : 127);
      auto custom = node.custom_name.empty() ? 0 : fbb.CreateString(node.custom_name);
      codes.push_back(tfl::CreateOperatorCode(fbb, legacy, custom, node.version,
                                              static_cast<tfl::BuiltinOperator>(code)));
      it = code_index.emplace(key, static_cast<uint32_t>(codes.size() - 1)).first;
    }
    auto [opt_type, opt] = WriteOptions(fbb, node);
    auto intermediates = node.intermediates.empty() ? 0 : fbb.CreateVector(node.intermediates);
    operators.push_back(tfl::CreateOperator(fbb, it->second, fbb.CreateVector(node.inputs),
                                            fbb.CreateVector(node.outputs), opt_type, opt,
                                            /*custom_options=*/0, tfl::CustomOptionsFormat::FLEXBUFFERS,
                                            /*mutating_variable_inputs=*/0, intermediates));
  }
  for (int32_t t : g.inputs)
    if (!check_index(t, false)) return OutOfRangeError("graph input index out of range");
  for (int32_t t : g.outputs)
    if (!check_index(t, false)) return OutOfRangeError("graph output index out of range");

  auto subgraph = tfl::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(g.inputs),
                                      fbb.CreateVector(g.outputs), fbb.CreateVector(operators),
                                      fbb.CreateString(g.name.empty() ? "main" : g.name));
  auto model = tfl::CreateModel(fbb, 3, fbb.CreateVector(codes), fbb.CreateVector(&subgraph, 1),
                                fbb.CreateString(description), fbb.CreateVector(buffers));
  tfl::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

Status WriteModelFile(const ir::Graph& graph, const std::string& path) {
  VKD_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, SerializeGraph(graph));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return NotFoundError("cannot write '" + path + "'");
  const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
  const bool closed = std::fclose(f) == 0;
  if (written != bytes.size() || !closed) return InternalError("short write to '" + path + "'");
  return Status::Ok();
}

}  // namespace vkd::writer
