// Shared by the quantized pooling / reduction / data-movement tests.
#pragma once

#include <cstdint>
#include <string>

#include "cpu_fallback/interpreter.h"
#include "model/ir/graph.h"
#include "tests/util/op_test_util.h"

namespace vkd::test {

inline ir::Quantization Quant(float scale, int64_t zero_point) {
  ir::Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

// The quantization of a test tensor: none for float/int32/int64.
inline ir::Quantization QuantFor(ir::DataType type, float scale, int64_t zero_point) {
  if (type != ir::DataType::kInt8 && type != ir::DataType::kUInt8) return {};
  return Quant(scale, zero_point);
}

// Compare options whose random inputs cover the whole int8/uint8 range
// (the default fills uint8 with 0..127 only).
inline CompareOptions FullRange(ir::DataType type, const std::string& label, uint32_t seed = 1) {
  CompareOptions o;
  o.seed = seed;
  o.label = label;
  if (type == ir::DataType::kUInt8) {
    o.input_min = 0;
    o.input_max = 255;
  } else if (type == ir::DataType::kInt8) {
    o.input_min = -128;
    o.input_max = 127;
  }
  return o;
}

// Most ops' TFLite version: 2 for int8, 1 otherwise.
inline int Int8Version(ir::DataType type) { return type == ir::DataType::kInt8 ? 2 : 1; }

inline std::string TypeLabel(ir::DataType type) { return ir::DataTypeName(type); }

// vkdelegate's interpreter alone, through AllocateTensors (every Prepare).
inline Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

}  // namespace vkd::test
