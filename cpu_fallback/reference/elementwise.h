// Binary elementwise ops with N-d broadcasting (ADD, SUB, MUL, DIV, MAXIMUM,
// MINIMUM, SQUARED_DIFFERENCE, PRELU), spelled out as TFLite's reference
// kernels compute them.
//
// Broadcasting follows NumPy, as TFLite's CalculateShapeForBroadcast does:
// shapes are right-aligned, and each pair of dimensions must be equal or one
// of them 1. A BroadcastPlan, made once in Prepare, turns the two input shapes
// into element strides (0 along broadcast dimensions) over the output shape,
// so Eval needs no shape maths and no allocation.
#pragma once

#include <cassert>
#include <cstdint>
#include <type_traits>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::ref {

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,  // float only; x / 0 is ±inf or NaN, as in IEEE (and TFLite)
  kMaximum,
  kMinimum,
  kSquaredDifference,  // (a - b)^2
  kPrelu,              // a >= 0 ? a : a * b (b is alpha)
};

// The scalar formula of `kOp`, shared by the reference and optimized loops so
// both round the same way. int32 ADD/SUB/MUL wrap on overflow (TFLite's signed
// arithmetic does in practice; unsigned makes it defined here).
template <BinaryOp kOp, typename T>
inline T ApplyBinaryOp(T a, T b) {
  using Wide = std::conditional_t<std::is_integral_v<T>, uint32_t, T>;
  if constexpr (kOp == BinaryOp::kAdd) {
    return static_cast<T>(static_cast<Wide>(a) + static_cast<Wide>(b));
  } else if constexpr (kOp == BinaryOp::kSub) {
    return static_cast<T>(static_cast<Wide>(a) - static_cast<Wide>(b));
  } else if constexpr (kOp == BinaryOp::kMul) {
    return static_cast<T>(static_cast<Wide>(a) * static_cast<Wide>(b));
  } else if constexpr (kOp == BinaryOp::kDiv) {
    return a / b;
  } else if constexpr (kOp == BinaryOp::kMaximum) {
    return a > b ? a : b;
  } else if constexpr (kOp == BinaryOp::kMinimum) {
    return a < b ? a : b;
  } else if constexpr (kOp == BinaryOp::kSquaredDifference) {
    const T d = static_cast<T>(static_cast<Wide>(a) - static_cast<Wide>(b));
    return static_cast<T>(static_cast<Wide>(d) * static_cast<Wide>(d));
  } else {  // kPrelu
    return a >= 0 ? a : static_cast<T>(a * b);
  }
}

// cpu::ClampActivation (cpu_fallback/activation.h) for any T: the int32 kernels need it too.
template <typename T>
inline T ClampToRange(T x, T lo, T hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

// TFLite 2.9 broadcasts at most 4-D for most ops; 6 keeps us a superset.
inline constexpr int kMaxBroadcastRank = 6;

// Iteration over the output in row-major order, with the matching element
// offsets of each input. Dimensions are right-aligned and padded with leading
// 1s to `rank`.
struct BroadcastPlan {
  int rank = 0;
  int64_t dims[kMaxBroadcastRank] = {};
  int64_t a_strides[kMaxBroadcastRank] = {};  // 0 where `a` is broadcast
  int64_t b_strides[kMaxBroadcastRank] = {};  // 0 where `b` is broadcast
};

// The plan for output `out` = broadcast of `a` and `b`, padded to
// kMaxBroadcastRank dimensions. Precondition: all ranks <= kMaxBroadcastRank
// and `out` is ops::BroadcastShapes(a, b) (the shape rule of ops/shape_rules.h).
BroadcastPlan MakeBroadcastPlan(const ir::Shape& a, const ir::Shape& b, const ir::Shape& out);

// Calls f(std::integral_constant<BinaryOp, kOp>{}) with kOp == op, so that
// the reference and optimized kernels instantiate their loop once per op
// from one switch. DIV and PRELU exist for floating-point T only.
template <typename T, typename F>
void DispatchBinaryOp(BinaryOp op, F&& f) {
  auto call = [&f](auto op_tag) { return f(op_tag); };
  switch (op) {
    case BinaryOp::kAdd:
      return call(std::integral_constant<BinaryOp, BinaryOp::kAdd>{});
    case BinaryOp::kSub:
      return call(std::integral_constant<BinaryOp, BinaryOp::kSub>{});
    case BinaryOp::kMul:
      return call(std::integral_constant<BinaryOp, BinaryOp::kMul>{});
    case BinaryOp::kMaximum:
      return call(std::integral_constant<BinaryOp, BinaryOp::kMaximum>{});
    case BinaryOp::kMinimum:
      return call(std::integral_constant<BinaryOp, BinaryOp::kMinimum>{});
    case BinaryOp::kSquaredDifference:
      return call(std::integral_constant<BinaryOp, BinaryOp::kSquaredDifference>{});
    case BinaryOp::kDiv:
    case BinaryOp::kPrelu:
      if constexpr (std::is_floating_point_v<T>) {
        if (op == BinaryOp::kDiv) return call(std::integral_constant<BinaryOp, BinaryOp::kDiv>{});
        return call(std::integral_constant<BinaryOp, BinaryOp::kPrelu>{});
      }
      assert(false && "DIV and PRELU are float only");
      return;
  }
}

// out[i] = f(a[a_index(i)], b[b_index(i)]) over `plan` (from MakeBroadcastPlan):
// the one 6-D broadcast driver of the float, integer and quantized reference
// kernels.
template <typename T, typename TOut, typename F>
void BroadcastBinary6D(const BroadcastPlan& p, const T* a, const T* b, TOut* out, const F& f) {
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
              *out++ = f(a[a_index], b[b_index]);
            }
}

// out = clamp(op(a, b), act_min, act_max) over `plan` (from MakeBroadcastPlan).
// Instantiated for float and int32_t (kDiv and kPrelu: float only).
template <typename T>
void BinaryElementwise(BinaryOp op, const BroadcastPlan& plan, const T* a, const T* b, T* out,
                       T act_min, T act_max);

}  // namespace vkd::ref
