// What the options codecs share (op_options_codec.h): the conversions of
// padding, activation and types between the IR, the .tflite schema and
// TFLite's builtin_data, and the Codec template the codecs specialize.
// Internal to model/ (the codecs and the reader).
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/codec/op_options_codec.h"
#include "model/codec/tflite_builtin_data.h"

namespace vkd::codec::detail {

using BO = tfl::BuiltinOptions;
using flatbuffers::FlatBufferBuilder;
using Written = std::pair<BO, flatbuffers::Offset<void>>;

// --- shared conversions ------------------------------------------------------

inline StatusOr<ir::Activation> ReadActivation(tfl::ActivationFunctionType a) {
  const int v = static_cast<int>(a);
  if (v < 0 || v > static_cast<int>(ir::Activation::kSignBit)) {
    return DataLossError("fused activation " + std::to_string(v) + " is not a known value");
  }
  return static_cast<ir::Activation>(v);
}

inline StatusOr<ir::Padding> ReadPadding(tfl::Padding p) {
  if (p == tfl::Padding::SAME) return ir::Padding::kSame;
  if (p == tfl::Padding::VALID) return ir::Padding::kValid;
  return DataLossError("padding " + std::to_string(static_cast<int>(p)) + " is not SAME or VALID");
}

inline StatusOr<ir::DataType> ReadType(tfl::TensorType t) {
  const int v = static_cast<int>(t);
  if (v < 0 || v > static_cast<int>(ir::DataType::kFloat64)) {
    return UnimplementedError("tensor type " + std::string(tfl::EnumNameTensorType(t)) + " (" +
                              std::to_string(v) + ") unsupported");
  }
  return static_cast<ir::DataType>(v);
}

inline Status CheckStrides(int32_t sw, int32_t sh, const char* what) {
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

inline tfl::Padding ToTfl(ir::Padding p) { return static_cast<tfl::Padding>(p); }
inline tfl::ActivationFunctionType ToTfl(ir::Activation a) {
  return static_cast<tfl::ActivationFunctionType>(a);
}
inline tfl::TensorType ToTfl(ir::DataType t) { return static_cast<tfl::TensorType>(t); }

// abi::Padding -> ir::Padding. UNKNOWN (an options-less model) is SAME,
// TFLite's parser default.
inline ir::Padding FromAbi(abi::Padding p) {
  return p == abi::kPaddingValid ? ir::Padding::kValid : ir::Padding::kSame;
}

// Activations past SIGN_BIT (SIGMOID) have no IR value; no builtin op
// stores one, so such a node is left to the host.
inline bool FromAbi(abi::FusedActivation a, ir::Activation* out) {
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

}  // namespace vkd::codec::detail
