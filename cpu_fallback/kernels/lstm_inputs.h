// The input layout of UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's
// lstm_shared.h), which the float kernel (lstm.cc) and the integer one
// (lstm_integer.cc) both read, how their errors name an input, and the
// checks of the input's dimensions and the optional groups they share.
#pragma once

#include <string>

#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/lstm.h"

namespace vkd::cpu {

constexpr int kInput = 0;
constexpr int kInputWeights = 1;      // + gate
constexpr int kRecurrentWeights = 5;  // + gate
constexpr int kPeephole = 9;          // input, forget, output
constexpr int kBias = 12;             // + gate
constexpr int kProjectionWeights = 16;
constexpr int kProjectionBias = 17;
constexpr int kOutputState = 18;
constexpr int kCellState = 19;
constexpr int kLayerNorm = 20;  // + gate

// Gates in the order of the per-gate inputs above.
inline const char* const kGateNames[4] = {"input", "forget", "cell", "output"};

inline std::string Str(int64_t v) { return std::to_string(v); }
inline std::string In(int i) { return "input " + Str(i); }

// The sequence dimensions of the 3-D input: [max_time, batches, n_input]
// when time-major, else [batches, max_time, n_input].
inline void ReadSequenceDims(const ir::Tensor& input, bool time_major, ref::LstmShape* shape) {
  shape->time_major = time_major;
  shape->max_time = time_major ? input.shape[0] : input.shape[1];
  shape->batches = time_major ? input.shape[1] : input.shape[0];
  shape->n_input = input.shape[2];
}

// Which optional groups are present, and that each is whole: CIFG drops the
// input-to-input and recurrent-to-input weights together; peepholes come as
// forget and output, plus input without CIFG.
inline Status ReadOptionalGroups(const KernelContext& ctx, bool* cifg, bool* peephole) {
  *cifg = !ctx.has_input(kInputWeights);
  VKD_CHECK_ARG(*cifg == !ctx.has_input(kRecurrentWeights),
                "input-to-input and recurrent-to-input weights must be both present or absent");
  *peephole = ctx.has_input(kPeephole + 1);
  VKD_CHECK_ARG(*peephole == ctx.has_input(kPeephole + 2),
                "forget and output peepholes (inputs 10, 11) must be both present or absent");
  if (*peephole && !*cifg) {
    VKD_CHECK_ARG(ctx.has_input(kPeephole), "input peephole (input 9) is required");
  }
  return Status::Ok();
}

}  // namespace vkd::cpu
