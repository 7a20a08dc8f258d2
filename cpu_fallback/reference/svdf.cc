// SVDF reference kernels, float and full integer. Both run the same three
// stages (feature dot products into the newest memory column, time dot
// products, rank reduction with bias); the stages are templates over the
// element types, and each form passes in only its requantization.
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

// Feature stage: the newest column of every filter's memory becomes
// newest(sum_i term(weights_feature[f][i], input[b][i])), summed in Acc.
template <typename Acc, typename In, typename W, typename T, typename Term, typename Newest>
void FeatureStage(const SvdfShape& s, const In* input, const W* weights_feature, T* state,
                  Term term, Newest newest) {
  for (int b = 0; b < s.batches; ++b) {
    const In* in = input + static_cast<int64_t>(b) * s.input_size;
    for (int f = 0; f < s.num_filters; ++f) {
      const W* w = weights_feature + static_cast<int64_t>(f) * s.input_size;
      Acc dot = 0;
      for (int i = 0; i < s.input_size; ++i) dot += term(w[i], in[i]);
      state[(static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size + s.memory_size - 1] =
          newest(dot);
    }
  }
}

// Time stage: every filter's memory against its time weights, into scratch
// [batches, num_filters].
template <typename Acc, typename T, typename W>
void TimeStage(const SvdfShape& s, const T* state, const W* weights_time, Acc* scratch) {
  for (int b = 0; b < s.batches; ++b) {
    for (int f = 0; f < s.num_filters; ++f) {
      const T* st = state + (static_cast<int64_t>(b) * s.num_filters + f) * s.memory_size;
      const W* w = weights_time + static_cast<int64_t>(f) * s.memory_size;
      Acc dot = 0;
      for (int m = 0; m < s.memory_size; ++m) dot += w[m] * st[m];
      scratch[b * s.num_filters + f] = dot;
    }
  }
}

// Bias (may be null), then the sum over each unit's `rank` consecutive
// filters: output[b][u] = finish(sum).
template <typename Acc, typename Out, typename Finish>
void RankStage(const SvdfShape& s, const Acc* scratch, const Acc* bias, Out* output,
               Finish finish) {
  for (int b = 0; b < s.batches; ++b) {
    for (int u = 0; u < s.num_units; ++u) {
      Acc acc = bias ? bias[u] : 0;
      const Acc* sc = scratch + b * s.num_filters + u * s.rank;
      for (int r = 0; r < s.rank; ++r) acc += sc[r];
      output[b * s.num_units + u] = finish(acc);
    }
  }
}

}  // namespace

void SvdfFloat(const SvdfShape& s, const float* input, const float* weights_feature,
               const float* weights_time, const float* bias, ir::Activation activation,
               float* state, float* scratch, float* output) {
  ShiftStateLeft(s, state);
  FeatureStage<float>(
      s, input, weights_feature, state, [](float w, float in) { return w * in; },
      [](float dot) { return dot; });
  TimeStage(s, state, weights_time, scratch);
  RankStage(s, scratch, bias, output, [activation](float acc) {
    // ApplyActivationToVector semantics: NONE leaves the value as is.
    return activation == ir::Activation::kNone ? acc : ApplyFusedActivation(activation, acc);
  });
}

void SvdfInt8(const SvdfShape& s, const SvdfIntegerParams& p, const int8_t* input,
              const int8_t* weights_feature, const int16_t* weights_time, const int32_t* bias,
              int16_t* state, int32_t* scratch, int32_t* scratch_out, int8_t* output) {
  ShiftStateLeft(s, state);
  // Feature stage, requantized to the (symmetric) state scale and saturated
  // to int16. The state's zero point is taken as 0, as TFLite does.
  FeatureStage<int32_t>(
      s, input, weights_feature, state,
      [&](int8_t w, int8_t in) { return w * (in - p.input_zero_point); },
      [&](int32_t acc) {
        acc = MultiplyByQuantizedMultiplier(acc, p.multiplier_1, p.shift_1);
        return static_cast<int16_t>(
            std::min<int32_t>(std::max<int32_t>(acc, std::numeric_limits<int16_t>::min()),
                              std::numeric_limits<int16_t>::max()));
      });
  // Time stage in int32 (int16 x int16 products).
  TimeStage(s, state, weights_time, scratch);
  // Bias, rank reduction, requantization to the output. TFLite 2.9 requires
  // the fused activation to be RELU but clamps to the int8 range only (no
  // ReLU is applied); this matches it.
  RankStage(s, scratch, bias, scratch_out, [](int32_t acc) { return acc; });
  for (int i = 0; i < s.batches * s.num_units; ++i) {
    int32_t v = MultiplyByQuantizedMultiplier(scratch_out[i], p.multiplier_2, p.shift_2) +
                p.output_zero_point;
    v = std::min<int32_t>(std::max<int32_t>(v, -128), 127);
    output[i] = static_cast<int8_t>(v);
  }
}

}  // namespace vkd::cpu::ref
