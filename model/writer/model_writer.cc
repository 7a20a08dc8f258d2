#include "model/writer/model_writer.h"

#include <flatbuffers/flatbuffers.h>

#include <cstdio>
#include <map>
#include <tuple>

#include "model/codec/op_options_codec.h"
#include "schema/tflite_model_generated.h"

namespace vkd::writer {
namespace {

namespace tfl = ::vkd::tfl;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

tfl::TensorType ToTfl(ir::DataType t) { return static_cast<tfl::TensorType>(t); }

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
    auto [opt_type, opt] = codec::WriteOptions(fbb, node);
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
