#include "cpu_fallback/reference/quantized_softmax.h"

namespace vkd::ref {

void PopulateSoftmaxTable(float input_scale, float beta, float table[256]) {
  // Float product and expf, as TFLite's PopulateSoftmaxLookupTable.
  const float scale = -input_scale * beta;
  for (int32_t d = 0; d <= 255; ++d) table[255 - d] = std::exp(scale * static_cast<float>(d));
}

}  // namespace vkd::ref
