// Operator kinds of the graph IR. Values equal TFLite's BuiltinOperator codes,
// so an unknown code read from a newer model still round-trips as a number.
#pragma once

#include <cstdint>
#include <string>

namespace vkd::ir {

enum class OpType : int32_t {
#define VKD_OP(name, tfl_name, code, options) name = code,
#include "model/ir/op_types.def"
#undef VKD_OP
};

// "CONV_2D", "DEPTHWISE_CONV_2D", ...; "BUILTIN_<n>" for codes not in the list.
std::string OpTypeName(OpType op);

// True when `code` names an operator of the list (a schema-known builtin).
bool IsKnownOpCode(int32_t code);

}  // namespace vkd::ir
