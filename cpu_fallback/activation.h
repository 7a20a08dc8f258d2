// Fused activations of float kernels, as TFLite 2.9's builtin kernels apply them.
//
// Two mechanisms, because TFLite has two:
//  - Most float kernels (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED float,
//    ADD, MUL, ...) clamp to CalculateActivationRange's [min, max]. That
//    function knows only RELU, RELU_N1_TO_1 and RELU6; for every other value
//    (TANH, SIGN_BIT included) it returns the full float range, so those
//    kernels silently apply no activation. GetActivationRange matches it.
//  - Some kernels (hybrid FULLY_CONNECTED, the RNN family) call
//    tensor_utils::ApplyActivationToVector, which does apply TANH and SIGN_BIT.
//    ApplyFusedActivation matches that one.
// A kernel picks the mechanism its TFLite counterpart uses.
#pragma once

#include <cmath>
#include <limits>

#include "common/status.h"
#include "model/ir/op_options.h"

namespace vkd::cpu {

// TFLite's CalculateActivationRange<float>: the clamp bounds of `activation`.
inline void GetActivationRange(ir::Activation activation, float* min, float* max) {
  switch (activation) {
    case ir::Activation::kRelu:
      *min = 0.0f;
      *max = std::numeric_limits<float>::max();
      return;
    case ir::Activation::kReluN1To1:
      *min = -1.0f;
      *max = 1.0f;
      return;
    case ir::Activation::kRelu6:
      *min = 0.0f;
      *max = 6.0f;
      return;
    default:  // NONE; TANH and SIGN_BIT too (see the file comment)
      *min = std::numeric_limits<float>::lowest();
      *max = std::numeric_limits<float>::max();
      return;
  }
}

// TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi).
inline float ClampActivation(float x, float min, float max) {
  return x < min ? min : (x > max ? max : x);
}

// Whether ApplyFusedActivation knows `activation` (every ir::Activation today);
// kernels call it in Prepare so an unknown value fails there, not in Eval.
inline Status CheckFusedActivation(ir::Activation activation) {
  switch (activation) {
    case ir::Activation::kNone:
    case ir::Activation::kRelu:
    case ir::Activation::kReluN1To1:
    case ir::Activation::kRelu6:
    case ir::Activation::kTanh:
    case ir::Activation::kSignBit:
      return Status::Ok();
  }
  return UnimplementedError(std::string("fused activation ") + ir::ActivationName(activation) +
                            " unsupported");
}

// TFLite's tensor_utils::ApplyActivationToVector on one value: applies TANH
// and SIGN_BIT too. SIGN_BIT yields 1 for negative x (std::signbit), else 0.
inline float ApplyFusedActivation(ir::Activation activation, float x) {
  switch (activation) {
    case ir::Activation::kRelu:
      return x < 0.0f ? 0.0f : x;
    case ir::Activation::kReluN1To1:
      return ClampActivation(x, -1.0f, 1.0f);
    case ir::Activation::kRelu6:
      return ClampActivation(x, 0.0f, 6.0f);
    case ir::Activation::kTanh:
      return std::tanh(x);
    case ir::Activation::kSignBit:
      return std::signbit(x) ? 1.0f : 0.0f;
    default:
      return x;
  }
}

}  // namespace vkd::cpu
