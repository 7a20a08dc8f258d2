// Broadcast plans and the float/int32 binary elementwise reference kernel:
// one op switch (DispatchBinaryOp) over the shared 6-D broadcast driver.
#include "cpu_fallback/reference/elementwise.h"

#include <cassert>

namespace vkd::ref {

BroadcastPlan MakeBroadcastPlan(const ir::Shape& a, const ir::Shape& b, const ir::Shape& out) {
  assert(a.size() <= kMaxBroadcastRank && b.size() <= kMaxBroadcastRank);
  assert(out.size() <= kMaxBroadcastRank);
  BroadcastPlan plan;
  plan.rank = kMaxBroadcastRank;
  const int pad_a = kMaxBroadcastRank - static_cast<int>(a.size());
  const int pad_b = kMaxBroadcastRank - static_cast<int>(b.size());
  const int pad_out = kMaxBroadcastRank - static_cast<int>(out.size());
  int64_t a_stride = 1, b_stride = 1;
  for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
    const int64_t da = d >= pad_a ? a[d - pad_a] : 1;
    const int64_t db = d >= pad_b ? b[d - pad_b] : 1;
    plan.dims[d] = d >= pad_out ? out[d - pad_out] : 1;
    plan.a_strides[d] = da == 1 ? 0 : a_stride;
    plan.b_strides[d] = db == 1 ? 0 : b_stride;
    a_stride *= da;
    b_stride *= db;
  }
  return plan;
}

template <typename T>
void BinaryElementwise(BinaryOp op, const BroadcastPlan& plan, const T* a, const T* b, T* out,
                       T act_min, T act_max) {
  assert(plan.rank == kMaxBroadcastRank);
  DispatchBinaryOp<T>(op, [&](auto op_tag) {
    constexpr BinaryOp kOp = decltype(op_tag)::value;
    BroadcastBinary6D(plan, a, b, out, [act_min, act_max](T x, T y) {
      return ClampToRange(ApplyBinaryOp<kOp>(x, y), act_min, act_max);
    });
  });
}

template void BinaryElementwise<float>(BinaryOp, const BroadcastPlan&, const float*, const float*,
                                       float*, float, float);
template void BinaryElementwise<int32_t>(BinaryOp, const BroadcastPlan&, const int32_t*,
                                         const int32_t*, int32_t*, int32_t, int32_t);

}  // namespace vkd::ref
