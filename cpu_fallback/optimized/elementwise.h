// Binary elementwise ops, fast form: the same results as
// reference/elementwise.h (same scalar formula per element), computed over a
// collapsed plan whose innermost loop is long and contiguous, so GCC
// vectorizes it, and split across the thread pool.
#pragma once

#include "cpu_fallback/reference/elementwise.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

// `plan` with size-1 dimensions dropped and neighbouring dimensions merged
// where both inputs are broadcast the same way along them. Same-shape inputs
// and scalar operands become one dimension; a per-channel operand becomes
// [rows, channels]. The innermost dimension then has stride 0 or 1 for each
// input. Call once in Prepare.
ref::BroadcastPlan CollapseBroadcastPlan(const ref::BroadcastPlan& plan);

// out = clamp(op(a, b), act_min, act_max) over a collapsed plan. Does not
// allocate. Instantiated for float and int32_t (kDiv and kPrelu: float only).
template <typename T>
void BinaryElementwise(ref::BinaryOp op, const ref::BroadcastPlan& collapsed, const T* a,
                       const T* b, T* out, T act_min, T act_max, cpu::ThreadPool& pool);

}  // namespace vkd::opt
