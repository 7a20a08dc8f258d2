// SVDF (a rank-r singular-value-decomposed fully connected layer over time)
// as TFLite 2.9's builtin kernel runs it.
//
// State: [batch, num_filters, memory_size], oldest activation first. Each
// invoke shifts every filter's memory left by one, writes the newest
// feature activation (weights_feature . input) into the last column, then
// out[b, u] = act(bias[u] + sum over the unit's `rank` filters f of
//                 weights_time[f, :] . state[b, f, :]).
#pragma once

#include <cstdint>

#include "model/ir/op_options.h"

namespace vkd::cpu::ref {

struct SvdfShape {
  int batches = 0;
  int input_size = 0;
  int num_filters = 0;
  int num_units = 0;
  int rank = 0;
  int memory_size = 0;
};

// Float. `scratch` holds batches * num_filters floats. `bias` may be null.
void SvdfFloat(const SvdfShape& s, const float* input, const float* weights_feature,
               const float* weights_time, const float* bias, ir::Activation activation,
               float* state, float* scratch, float* output);

// Full integer: int8 input and output, int8 weights_feature, int16
// weights_time and state, int32 bias. The feature activations are requantized
// into the state's scale with multiplier 1 (input * weights_feature / state),
// the time products into the output's scale with multiplier 2 (state *
// weights_time / output). `scratch` holds batches * num_filters int32s,
// `scratch_out` batches * num_units.
struct SvdfIntegerParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t multiplier_1 = 0;
  int shift_1 = 0;
  int32_t multiplier_2 = 0;
  int shift_2 = 0;
};
void SvdfInt8(const SvdfShape& s, const SvdfIntegerParams& p, const int8_t* input,
              const int8_t* weights_feature, const int16_t* weights_time, const int32_t* bias,
              int16_t* state, int32_t* scratch, int32_t* scratch_out, int8_t* output);

}  // namespace vkd::cpu::ref
