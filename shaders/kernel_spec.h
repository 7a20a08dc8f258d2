// What one GPU dispatch computes, as plain data: a main op (one GLSL
// template under shaders/glsl/) plus a chain of fused elementwise post-ops.
// The delegate's GPU compiler fills these in; shaders/codegen turns them
// into GLSL. Nothing here knows of Vulkan objects or of TFLite.
//
// GPU tensors are 4-D BHWC with channels padded to a multiple of 4 and
// stored as vec4 (PHWC4 in TFLite-GPU terms, ncnn's "elempack 4"): element
// (b, y, x, c4) holds channels 4*c4 .. 4*c4+3 at vec4 index
// ((b * H + y) * W + x) * C4 + c4. Padding lanes always hold zero: every
// store masks them, so reductions over channels and later convolutions never
// see garbage (0/0 from a DIV on padding would otherwise poison a sum).
// Tensors of rank < 4 are aligned to the right: [N, C] is (1, 1, N, C), as
// broadcasting aligns them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vkd::shaders {

enum class Precision { kFp32, kFp16 };

struct TensorDims {
  int32_t b = 1, h = 1, w = 1, c = 1;
  int32_t c4() const { return (c + 3) / 4; }
  int64_t vec4_count() const { return int64_t{b} * h * w * c4(); }
  bool operator==(const TensorDims& o) const {
    return b == o.b && h == o.h && w == o.w && c == o.c;
  }
};

// shaders/unary_ops.def lists them, with their GLSL.
enum class UnaryOp {
#define VKD_UNARY(name, text, glsl) name,
#include "shaders/unary_ops.def"
#undef VKD_UNARY
};
enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kSquaredDifference, kPrelu };

// One fused step applied to the value v a kernel is about to store:
// unary: v = f(v); binary: v = v (op) operand, or operand (op) v when
// value_is_rhs (SUB/DIV where the chain value is the right operand).
struct PostOp {
  bool binary = false;
  UnaryOp unary = UnaryOp::kRelu;
  float alpha = 0;  // LEAKY_RELU
  BinaryOp op = BinaryOp::kAdd;
  int operand = 0;  // index into KernelSpec::operands
  bool value_is_rhs = false;
};

const char* UnaryOpName(UnaryOp op);
const char* BinaryOpName(BinaryOp op);

struct KernelSpec {
  std::string name;  // for errors and profiles, e.g. "conv2d_gemm[node 12]"
  // The GLSL template: one of the names in shaders/glsl/ ("conv2d",
  // "conv2d_gemm", "depthwise_conv2d", "elementwise", "pool2d", ...).
  std::string main;
  Precision precision = Precision::kFp32;
  TensorDims out;
  // Activation inputs, bound as in0, in1, ...; each gets load_inK(b, y, x, c4)
  // with broadcasting (a dimension of 1 repeats) and in<K>_data[].
  std::vector<TensorDims> inputs;
  // Constant buffers of the main op (weights, bias, ...), bound after the
  // inputs as <name>_data[] of VEC4.
  std::vector<std::string> const_buffers;
  // Scalar parameters of the main op, passed as specialization constants so
  // layers with the same structure share one SPIR-V module; names are the
  // GLSL identifiers the template uses (e.g. "KH", "STRIDE_X").
  std::vector<std::pair<std::string, int32_t>> int_params;
  std::vector<std::pair<std::string, float>> float_params;
  // Operands of binary post-ops, bound after the constant buffers as
  // opd0, opd1, ... (same broadcasting loads as inputs).
  std::vector<TensorDims> operands;
  std::vector<PostOp> post_ops;
  // GLSL the lowering generates, placed between the generated helpers and
  // the template: code whose shape depends on the spec beyond what
  // specialization constants can vary (concat's per-input selection over
  // in0..inN-1). Structure only, no sizes: it is part of the source, so of
  // the SPIR-V cache key.
  std::string extra_glsl;
  // Work: `invocations` threads (flattened; the template decomposes
  // gid = flat_id()), in workgroups of `local_size`.
  int64_t invocations = 0;
  uint32_t local_size = 64;
  // Dense fp32 bindings: a partition's inputs and outputs as the caller lays
  // them out (NHWC, no channel padding), read or written straight from
  // host-visible staging memory by the I/O conversion kernels. in0 and/or
  // out are then `float` arrays rather than VEC4, whatever the precision,
  // and the template indexes them itself (no load_in0 / store_out).
  bool dense_in0 = false;
  bool dense_out = false;
};

}  // namespace vkd::shaders
