#include "cpu_fallback/reference/quantized_elementwise.h"

#include <algorithm>

namespace vkd::ref {

QuantizedAddParams MakeQuantizedAddParams(const cpu::QuantParams& in1, const cpu::QuantParams& in2,
                                          const cpu::QuantParams& out, int left_shift,
                                          bool negate_input2, int32_t act_min, int32_t act_max) {
  QuantizedAddParams p;
  p.input1_offset = -in1.zero_point;
  p.input2_offset = -in2.zero_point;
  p.output_offset = out.zero_point;
  p.left_shift = left_shift;
  // In double from the float scales, as TFLite's Prepare does (2 * max is exact).
  const double twice_max_input_scale = 2.0 * static_cast<double>(std::max(in1.scale, in2.scale));
  const cpu::QuantizedMultiplier m1 =
      cpu::QuantizeMultiplier(static_cast<double>(in1.scale) / twice_max_input_scale);
  const cpu::QuantizedMultiplier m2 =
      cpu::QuantizeMultiplier(static_cast<double>(in2.scale) / twice_max_input_scale);
  const cpu::QuantizedMultiplier mo = cpu::QuantizeMultiplier(
      twice_max_input_scale / (static_cast<double>(1 << left_shift) * out.scale));
  p.input1_multiplier = m1.multiplier;
  p.input1_shift = m1.shift;
  p.input2_multiplier = negate_input2 ? -m2.multiplier : m2.multiplier;
  p.input2_shift = m2.shift;
  p.output_multiplier = mo.multiplier;
  p.output_shift = mo.shift;
  p.act_min = act_min;
  p.act_max = act_max;
  return p;
}

}  // namespace vkd::ref
