// PAD and PADV2, fast form: the output walked a row (innermost dimension) at
// a time, each row a fill, a memcpy of the input row and a fill, instead of
// a bounds check per element. Same results as reference/pad.h.
#pragma once

#include "cpu_fallback/reference/pad.h"

namespace vkd::opt {

template <typename T>
void Pad(const ref::PadParams& p, const T* in, T pad_value, T* out);

}  // namespace vkd::opt
