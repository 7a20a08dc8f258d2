#include "cpu_fallback/reference/svdf.h"

#include <algorithm>
#include <limits>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/quantization.h"

namespace vkd::cpu::ref {

namespace {

// Moves the whole state buffer left by one element. The element that crosses
// into the previous filter's last column is overwritten by the new activation
// right after, so this is the per-filter shift TFLite describes.
template <typename T>
void ShiftStateLeft(const SvdfShape& s, T* state) {
  const int64_t n = static_cast<int64_t>(s.batches) * s.num_filters * s.memory_size;
  std::copy(state + 1, state + n, state);
}

}  // namespace

void SvdfFloat(const SvdfShape& s, const float* input, const float* weights_feature,
               const float* weights_time, const float* bias, ir::Activation activation,
               float* state, float* scratch, float* output) {
  ShiftStateLeft(s, state);
  // Feature stage: the newest column of every filter's memory.
  for (int b = 0; b < s.batches; ++b) {
    const float* in = input + static_cast<int64_t>(b) * s.input_size;
    for (int f = 0; f < s.num_filters; ++f) {
      const float* w = weights_feature + static_cast<int64_t>(f) * s.input_size;
      float dot = 0.0f;
      for (int i = 0; i < s.input_size; ++i) dot += w[i] * in[i];
      state[(static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size + s.memory_size - 1] =
          dot;
    }
  }
  // Time stage: every filter's memory against its time weights.
  for (int b = 0; b < s.batches; ++b) {
    for (int f = 0; f < s.num_filters; ++f) {
      const float* st = state + (static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size;
      const float* w = weights_time + static_cast<int64_t>(f) * s.memory_size;
      float dot = 0.0f;
      for (int m = 0; m < s.memory_size; ++m) dot += w[m] * st[m];
      scratch[b * s.num_filters + f] = dot;
    }
  }
  // Bias, then the sum over each unit's `rank` consecutive filters.
  for (int b = 0; b < s.batches; ++b) {
    for (int u = 0; u < s.num_units; ++u) {
      float acc = bias ? bias[u] : 0.0f;
      const float* sc = scratch + b * s.num_filters + u * s.rank;
      for (int r = 0; r < s.rank; ++r) acc += sc[r];
      // ApplyActivationToVector semantics: NONE leaves the value as is.
      output[b * s.num_units + u] =
          activation == ir::Activation::kNone ? acc : ApplyFusedActivation(activation, acc);
    }
  }
}

void SvdfInt8(const SvdfShape& s, const SvdfIntegerParams& p, const int8_t* input,
              const int8_t* weights_feature, const int16_t* weights_time, const int32_t* bias,
              int16_t* state, int32_t* scratch, int32_t* scratch_out, int8_t* output) {
  ShiftStateLeft(s, state);
  // Feature stage, requantized to the (symmetric) state scale and saturated
  // to int16. The state's zero point is taken as 0, as TFLite does.
  for (int b = 0; b < s.batches; ++b) {
    const int8_t* in = input + static_cast<int64_t>(b) * s.input_size;
    for (int f = 0; f < s.num_filters; ++f) {
      const int8_t* w = weights_feature + static_cast<int64_t>(f) * s.input_size;
      int32_t acc = 0;
      for (int i = 0; i < s.input_size; ++i) acc += w[i] * (in[i] - p.input_zero_point);
      acc = MultiplyByQuantizedMultiplier(acc, p.multiplier_1, p.shift_1);
      acc = std::min<int32_t>(std::max<int32_t>(acc, std::numeric_limits<int16_t>::min()),
                              std::numeric_limits<int16_t>::max());
      state[(static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size + s.memory_size - 1] =
          static_cast<int16_t>(acc);
    }
  }
  // Time stage in int32 (int16 x int16 products).
  for (int b = 0; b < s.batches; ++b) {
    for (int f = 0; f < s.num_filters; ++f) {
      const int16_t* st = state + (static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size;
      const int16_t* w = weights_time + static_cast<int64_t>(f) * s.memory_size;
      int32_t acc = 0;
      for (int m = 0; m < s.memory_size; ++m) acc += w[m] * st[m];
      scratch[b * s.num_filters + f] = acc;
    }
  }
  // Bias, rank reduction, requantization to the output. TFLite 2.9 requires
  // the fused activation to be RELU but clamps to the int8 range only (no
  // ReLU is applied); this matches it.
  for (int b = 0; b < s.batches; ++b) {
    for (int u = 0; u < s.num_units; ++u) {
      int32_t acc = bias ? bias[u] : 0;
      const int32_t* sc = scratch + b * s.num_filters + u * s.rank;
      for (int r = 0; r < s.rank; ++r) acc += sc[r];
      scratch_out[b * s.num_units + u] = acc;
    }
  }
  for (int i = 0; i < s.batches * s.num_units; ++i) {
    int32_t v = MultiplyByQuantizedMultiplier(scratch_out[i], p.multiplier_2, p.shift_2) +
                p.output_zero_point;
    v = std::min<int32_t>(std::max<int32_t>(v, -128), 127);
    output[i] = static_cast<int8_t>(v);
  }
}

}  // namespace vkd::cpu::ref
