#include "model/codec/op_options_codec.h"

#include <string>
#include <type_traits>
#include <variant>

#include "model/codec/codecs_tensor.h"
#include "model/codec/codecs_window.h"

namespace vkd::codec {
namespace {

using detail::BO;
using detail::Codec;
using detail::FlatBufferBuilder;
using detail::Written;

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
  const bool claimed =
      ((Codec<T>::Claims(tag) ? (result = Codec<T>::Read(op), true) : false) || ...);
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
