#include "bench/host_tensor.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace vkd::tools {

namespace {
template <typename T>
void FillInts(HostTensor& t, std::mt19937& rng, float lo, float hi) {
  double tlo = static_cast<double>(std::numeric_limits<T>::lowest());
  double thi = static_cast<double>(std::numeric_limits<T>::max());
  int64_t a = static_cast<int64_t>(std::max(tlo, std::min<double>(lo, thi)));
  int64_t b = static_cast<int64_t>(std::min(thi, std::max<double>(hi, tlo)));
  if (b - a < 2) {  // a float range like [-1, 1] means "anything" for integer inputs
    a = static_cast<int64_t>(std::max(tlo, -128.0));
    b = static_cast<int64_t>(std::min(thi, 127.0));
  }
  std::uniform_int_distribution<int64_t> dist(a, b);
  T* p = t.as<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = static_cast<T>(dist(rng));
}
}  // namespace

HostTensor RandomTensor(ir::DataType type, const ir::Shape& shape, uint32_t seed, float lo,
                        float hi) {
  HostTensor t;
  t.type = type;
  t.shape = shape;
  t.bytes.resize(static_cast<size_t>(ir::NumElements(shape)) * ir::DataTypeSize(type));
  std::mt19937 rng(seed);
  switch (type) {
    case ir::DataType::kFloat32: {
      std::uniform_real_distribution<float> dist(lo, hi);
      float* p = t.as<float>();
      for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = dist(rng);
      break;
    }
    case ir::DataType::kInt8:
      FillInts<int8_t>(t, rng, lo, hi);
      break;
    case ir::DataType::kUInt8:
      FillInts<uint8_t>(t, rng, lo, hi);
      break;
    case ir::DataType::kInt16:
      FillInts<int16_t>(t, rng, lo, hi);
      break;
    case ir::DataType::kInt32:
      FillInts<int32_t>(t, rng, lo, hi);
      break;
    case ir::DataType::kInt64:
      FillInts<int64_t>(t, rng, lo, hi);
      break;
    case ir::DataType::kBool: {
      std::uniform_int_distribution<int> dist(0, 1);
      for (auto& b : t.bytes) b = static_cast<uint8_t>(dist(rng));
      break;
    }
    default:
      break;  // zeros
  }
  return t;
}

double ElementAsDouble(const HostTensor& t, int64_t i) {
  switch (t.type) {
    case ir::DataType::kFloat32:
      return t.as<float>()[i];
    case ir::DataType::kInt32:
      return t.as<int32_t>()[i];
    case ir::DataType::kInt64:
      return static_cast<double>(t.as<int64_t>()[i]);
    case ir::DataType::kInt8:
      return t.as<int8_t>()[i];
    case ir::DataType::kUInt8:
      return t.as<uint8_t>()[i];
    case ir::DataType::kInt16:
      return t.as<int16_t>()[i];
    case ir::DataType::kBool:
      return t.as<uint8_t>()[i] ? 1 : 0;
    default:
      return NAN;
  }
}

}  // namespace vkd::tools
