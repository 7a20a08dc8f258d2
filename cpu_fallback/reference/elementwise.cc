#include "cpu_fallback/reference/elementwise.h"

#include <algorithm>
#include <cassert>

namespace vkd::ref {

StatusOr<ir::Shape> BroadcastShapes(const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Right-aligned: dimension i of the output pairs with a's (i - (rank - a.size())).
    const int32_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const int32_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) {
      return InvalidArgumentError("input 1: shape " + ir::ShapeToString(b) +
                                  " not broadcastable to " + ir::ShapeToString(a));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

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

namespace {

template <BinaryOp kOp, typename T>
void Loop6D(const BroadcastPlan& p, const T* a, const T* b, T* out, T act_min, T act_max) {
  static_assert(kMaxBroadcastRank == 6, "one loop per dimension");
  const int64_t* n = p.dims;
  const int64_t* sa = p.a_strides;
  const int64_t* sb = p.b_strides;
  for (int64_t i0 = 0; i0 < n[0]; ++i0)
    for (int64_t i1 = 0; i1 < n[1]; ++i1)
      for (int64_t i2 = 0; i2 < n[2]; ++i2)
        for (int64_t i3 = 0; i3 < n[3]; ++i3)
          for (int64_t i4 = 0; i4 < n[4]; ++i4)
            for (int64_t i5 = 0; i5 < n[5]; ++i5) {
              const int64_t a_index =
                  i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4] + i5 * sa[5];
              const int64_t b_index =
                  i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4] + i5 * sb[5];
              const T value = ApplyBinaryOp<kOp>(a[a_index], b[b_index]);
              *out++ = ClampToRange(value, act_min, act_max);
            }
}

}  // namespace

template <typename T>
void BinaryElementwise(BinaryOp op, const BroadcastPlan& plan, const T* a, const T* b, T* out,
                       T act_min, T act_max) {
  assert(plan.rank == kMaxBroadcastRank);
  switch (op) {
    case BinaryOp::kAdd:
      return Loop6D<BinaryOp::kAdd>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kSub:
      return Loop6D<BinaryOp::kSub>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kMul:
      return Loop6D<BinaryOp::kMul>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kMaximum:
      return Loop6D<BinaryOp::kMaximum>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kMinimum:
      return Loop6D<BinaryOp::kMinimum>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kSquaredDifference:
      return Loop6D<BinaryOp::kSquaredDifference>(plan, a, b, out, act_min, act_max);
    case BinaryOp::kDiv:
    case BinaryOp::kPrelu:
      if constexpr (std::is_floating_point_v<T>) {
        if (op == BinaryOp::kDiv) return Loop6D<BinaryOp::kDiv>(plan, a, b, out, act_min, act_max);
        return Loop6D<BinaryOp::kPrelu>(plan, a, b, out, act_min, act_max);
      }
      assert(false && "DIV and PRELU are float only");
      return;
  }
}

template void BinaryElementwise<float>(BinaryOp, const BroadcastPlan&, const float*, const float*,
                                       float*, float, float);
template void BinaryElementwise<int32_t>(BinaryOp, const BroadcastPlan&, const int32_t*,
                                         const int32_t*, int32_t*, int32_t, int32_t);

}  // namespace vkd::ref
