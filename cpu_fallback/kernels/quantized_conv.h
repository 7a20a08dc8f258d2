// The int8/uint8 forms of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.
// conv.cc and fully_connected.cc hand a node here when its input is quantized.
#pragma once

#include "cpu_fallback/kernel.h"

namespace vkd::cpu {

Status QuantizedConvPrepare(KernelContext& ctx);
Status QuantizedConvEval(KernelContext& ctx);
Status QuantizedDepthwisePrepare(KernelContext& ctx);
Status QuantizedDepthwiseEval(KernelContext& ctx);
Status QuantizedFullyConnectedPrepare(KernelContext& ctx);
Status QuantizedFullyConnectedEval(KernelContext& ctx);

}  // namespace vkd::cpu
