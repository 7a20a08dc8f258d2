// A tensor's bytes on the host with its type and shape: the currency between
// vkd-bench, .npy files, the TFLite runner and the tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "model/ir/graph.h"

namespace vkd::tools {

struct HostTensor;
// Element i of `t` as a double (bool as 0/1); NaN for types without a
// numeric value (STRING). For comparisons across types.
double ElementAsDouble(const HostTensor& t, int64_t i);

struct HostTensor {
  ir::DataType type = ir::DataType::kFloat32;
  ir::Shape shape;
  std::vector<uint8_t> bytes;

  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(bytes.data());
  }
  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(bytes.data());
  }
  int64_t num_elements() const { return ir::NumElements(shape); }
};

// Seeded random contents for a tensor of `type`: floats uniform in [lo, hi],
// integers over their type's range (or over [lo, hi] when narrower).
HostTensor RandomTensor(ir::DataType type, const ir::Shape& shape, uint32_t seed, float lo = -1.0f,
                        float hi = 1.0f);

}  // namespace vkd::tools
