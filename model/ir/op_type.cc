#include "model/ir/op_type.h"

namespace vkd::ir {

std::string OpTypeName(OpType op) {
  switch (op) {
#define VKD_OP(name, tfl_name, code, options) \
  case OpType::name:                 \
    return tfl_name;
#include "model/ir/op_types.def"
#undef VKD_OP
  }
  return "BUILTIN_" + std::to_string(static_cast<int32_t>(op));
}

bool IsKnownOpCode(int32_t code) {
  switch (code) {
#define VKD_OP(name, tfl_name, c, options) case c:
#include "model/ir/op_types.def"
#undef VKD_OP
    return true;
  }
  return false;
}

}  // namespace vkd::ir
