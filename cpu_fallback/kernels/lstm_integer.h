// UNIDIRECTIONAL_SEQUENCE_LSTM, fully integer (int8 activations, int16 cell
// state): lstm.cc's Prepare and Eval hand INT8 inputs here.
#pragma once

#include "cpu_fallback/kernel.h"

namespace vkd::cpu {

Status PrepareLstmInteger(KernelContext& ctx);
Status EvalLstmInteger(KernelContext& ctx);

}  // namespace vkd::cpu
