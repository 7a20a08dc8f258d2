// Binary elementwise ops (float, int32) on collapsed broadcast plans.
#include "cpu_fallback/optimized/elementwise.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "cpu_fallback/optimized/broadcast_loop.h"

namespace vkd::opt {

using ref::BinaryOp;
using ref::BroadcastPlan;
using ref::DispatchBinaryOp;

BroadcastPlan CollapseBroadcastPlan(const BroadcastPlan& plan) {
  BroadcastPlan out;
  for (int d = 0; d < plan.rank; ++d) {
    if (plan.dims[d] == 1) continue;  // index 0 only: contributes no offset
    const bool a_bcast = plan.a_strides[d] == 0;
    const bool b_bcast = plan.b_strides[d] == 0;
    if (out.rank > 0 && (out.a_strides[out.rank - 1] == 0) == a_bcast &&
        (out.b_strides[out.rank - 1] == 0) == b_bcast) {
      // Row-major inputs: the outer dimension's stride is the inner one's
      // times its size, so the pair walks like one dimension with the inner stride.
      const int m = out.rank - 1;
      out.dims[m] *= plan.dims[d];
      out.a_strides[m] = plan.a_strides[d];
      out.b_strides[m] = plan.b_strides[d];
      continue;
    }
    out.dims[out.rank] = plan.dims[d];
    out.a_strides[out.rank] = plan.a_strides[d];
    out.b_strides[out.rank] = plan.b_strides[d];
    ++out.rank;
  }
  if (out.rank == 0) {  // a single element
    out.rank = 1;
    out.dims[0] = 1;
  }
  return out;
}

// The collapsed-plan driver of optimized/broadcast_loop.h, with the op's
// scalar formula and clamp inlined into its vectorized rows.
template <typename T>
void BinaryElementwise(BinaryOp op, const BroadcastPlan& collapsed, const T* a, const T* b, T* out,
                       T act_min, T act_max, cpu::ThreadPool& pool) {
  DispatchBinaryOp<T>(op, [&](auto op_tag) {
    constexpr BinaryOp kOp = decltype(op_tag)::value;
    BroadcastBinary(
        collapsed, a, b, out,
        [act_min, act_max](T x, T y) {
          return ref::ClampToRange(ref::ApplyBinaryOp<kOp>(x, y), act_min, act_max);
        },
        pool);
  });
}

template void BinaryElementwise<float>(BinaryOp, const BroadcastPlan&, const float*, const float*,
                                       float*, float, float, cpu::ThreadPool&);
template void BinaryElementwise<int32_t>(BinaryOp, const BroadcastPlan&, const int32_t*,
                                         const int32_t*, int32_t*, int32_t, int32_t,
                                         cpu::ThreadPool&);

}  // namespace vkd::opt
