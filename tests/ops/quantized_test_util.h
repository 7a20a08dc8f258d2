// Shared by the quantized and integer op tests (CPU kernels against TFLite
// 2.9, bit-exact): quantization parameters, random inputs over a whole integer
// type, integer constants of either index width, seeded integer vectors,
// Prepare's verdict on vkdelegate alone, and the quantization the quantized
// GEMM ops (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) sweep.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/ir/graph.h"
#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd::test {

// The bound of the bit-exact comparisons: 0 LSB.
inline constexpr double kExact = 0;

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
// (the default fills uint8 with 0..127 only); other types keep the default.
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

// Compare options whose integer inputs (int8, uint8, int16) cover the whole
// range of their type: the filler clamps [-40000, 40000] to it.
inline CompareOptions ClampedRange(uint32_t seed, const std::string& label) {
  CompareOptions o;
  o.seed = seed;
  o.input_min = -40000.0f;
  o.input_max = 40000.0f;
  o.label = label;
  return o;
}

// Most ops' TFLite version: 2 for int8, 1 otherwise.
inline int Int8Version(ir::DataType type) { return type == ir::DataType::kInt8 ? 2 : 1; }

inline std::string TypeLabel(ir::DataType type) { return ir::DataTypeName(type); }

// vkdelegate's interpreter alone, through AllocateTensors (every Prepare):
// for the refusals, which TFLite is not asked about.
inline Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

// Uniform integers in [lo, hi] from `rng` (shared when a builder draws
// several constants from one stream) or from a fresh `seed`.
template <typename T>
std::vector<T> RandomInts(size_t n, std::mt19937& rng, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

template <typename T>
std::vector<T> RandomInts(size_t n, uint32_t seed, int64_t lo, int64_t hi) {
  std::mt19937 rng(seed);
  return RandomInts<T>(n, rng, lo, hi);
}

// An INT32 or INT64 constant (indices, axes, multiples, slice bounds): the
// ops take either, and both widths are checked.
inline int AddIntConstant(writer::GraphBuilder& g, const ir::Shape& shape,
                          const std::vector<int64_t>& values, bool int64, const std::string& name) {
  if (int64) return g.AddConstant<int64_t>(shape, values, name);
  return g.AddConstant<int32_t>(shape, std::vector<int32_t>(values.begin(), values.end()), name);
}

// The quantization of a quantized CONV_2D, DEPTHWISE_CONV_2D or
// FULLY_CONNECTED case: int8 (symmetric weights) or uint8 (asymmetric), zero
// points, and an output scale relative to the typical accumulator.
struct GemmQuantization {
  ir::DataType type = ir::DataType::kInt8;
  float input_scale = 0.05f;
  int input_zero_point = 3;
  int weights_zero_point = 0;  // uint8 only: TFLite's int8 weights are symmetric
  int output_zero_point = -5;
  float output_range = 1.0f;  // < 1 saturates more
  int threads = 1;

  std::string Label() const {
    return " zp in/w/out=" + std::to_string(input_zero_point) + "/" +
           std::to_string(weights_zero_point) + "/" + std::to_string(output_zero_point) +
           " range=" + std::to_string(output_range) + " threads=" + std::to_string(threads);
  }

  // Row `row` (mod 4) of the zero points the sweeps cycle through: ordinary,
  // the type's extremes, zero, and large opposite ones.
  void SetZeroPoints(int row) {
    if (type == ir::DataType::kInt8) {
      const int zps[][2] = {{3, -5}, {-128, 127}, {0, 0}, {100, -90}};
      input_zero_point = zps[row % 4][0];
      output_zero_point = zps[row % 4][1];
    } else {
      const int zps[][3] = {{128, 120, 130}, {0, 255, 0}, {255, 0, 255}, {37, 201, 90}};
      input_zero_point = zps[row % 4][0];
      weights_zero_point = zps[row % 4][1];
      output_zero_point = zps[row % 4][2];
    }
  }

  ir::Quantization WeightsQuant(float scale) const {
    return Quant(scale, type == ir::DataType::kInt8 ? 0 : weights_zero_point);
  }

  // Random weights of the type (int8 symmetric: [-127, 127]).
  int AddWeights(writer::GraphBuilder& g, const ir::Shape& shape, uint32_t seed,
                 const std::string& name, const ir::Quantization& q) const {
    const size_t n = static_cast<size_t>(ir::NumElements(shape));
    if (type == ir::DataType::kInt8) {
      return g.AddConstant<int8_t>(shape, RandomInts<int8_t>(n, seed, -127, 127), name, q);
    }
    return g.AddConstant<uint8_t>(shape, RandomInts<uint8_t>(n, seed, 0, 255), name, q);
  }

  // Accumulators of `dot_length` terms are roughly sqrt(length) * 74 * 74
  // (uniform 8-bit operands) in units of input_scale * weights_scale; this
  // maps that onto about half the output range, times output_range.
  ir::Quantization OutputQuant(float weights_scale, int64_t dot_length) const {
    return Quant(input_scale * weights_scale * std::sqrt(static_cast<float>(dot_length)) * 74 * 74 /
                     64 * output_range,
                 output_zero_point);
  }

  // Random inputs over the whole type, on `threads` threads.
  CompareOptions Options(uint32_t seed, const std::string& label) const {
    CompareOptions o = FullRange(type, label, seed);
    o.num_threads = threads;
    return o;
  }
};

}  // namespace vkd::test
