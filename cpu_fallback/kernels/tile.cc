// TILE and TRANSPOSE for float32, int8, uint8, int32, int64 (any type of 1,
// 2, 4 or 8 bytes; values move as stored, so quantized outputs keep the
// input's parameters). multiples / perm must be constant: the CPU
// interpreter fixes every shape in Prepare, with the ops' shape rules
// (ops/shape_rules.h).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {
namespace {

constexpr int kMaxRank = 6;

Status CheckSameTypeOut(const KernelContext& ctx) {
  const ir::Tensor& in = ctx.input(0);
  if (ctx.output(0).type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") +
                                ir::DataTypeName(ctx.output(0).type) + " differs from input 0's " +
                                ir::DataTypeName(in.type));
  }
  return Status::Ok();
}

Status PrepareCommon(KernelContext& ctx, const char* what, std::vector<int64_t>* values) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  const size_t size = ir::DataTypeSize(in.type);
  if (size != 1 && size != 2 && size != 4 && size != 8) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  VKD_RETURN_IF_ERROR(CheckSameTypeOut(ctx));
  const int rank = static_cast<int>(in.shape.size());
  if (rank > kMaxRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " above the supported " +
                              std::to_string(kMaxRank));
  }
  // `what` constant, of one value per dimension, valid: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  VKD_ASSIGN_OR_RETURN(*values, ops::ReadConstantInts(ctx.input(1), what, rank, /*one_d=*/false));
  return Status::Ok();
}

// --- TILE ---

struct TileState : KernelState {
  int rank = 0;
  int64_t in_dims[kMaxRank] = {};
  int64_t multiples[kMaxRank] = {};
  size_t elem = 0;
};

Status PrepareTile(KernelContext& ctx) {
  std::vector<int64_t> multiples;
  VKD_RETURN_IF_ERROR(PrepareCommon(ctx, "input 1 (multiples)", &multiples));
  const ir::Tensor& in = ctx.input(0);
  auto state = std::make_unique<TileState>();
  state->rank = static_cast<int>(in.shape.size());
  state->elem = ir::DataTypeSize(in.type);
  for (int d = 0; d < state->rank; ++d) {
    state->in_dims[d] = in.shape[d];
    state->multiples[d] = multiples[d];
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

// Writes the tiling of the input block at dimension `d` (in: that block,
// out: where its tiled form goes) and returns the bytes written: each
// sub-block is tiled first, then the whole row of them is repeated.
size_t TileBlock(const TileState& s, int d, const uint8_t* in, uint8_t* out) {
  if (s.rank == 0) {
    std::memcpy(out, in, s.elem);
    return s.elem;
  }
  size_t written = 0;
  if (d == s.rank - 1) {
    written = static_cast<size_t>(s.in_dims[d]) * s.elem;
    if (written > 0) std::memcpy(out, in, written);
  } else {
    size_t in_block = s.elem;
    for (int k = d + 1; k < s.rank; ++k) in_block *= static_cast<size_t>(s.in_dims[k]);
    for (int64_t i = 0; i < s.in_dims[d]; ++i) {
      written += TileBlock(s, d + 1, in + i * in_block, out + written);
    }
  }
  if (s.multiples[d] == 0) return 0;
  for (int64_t m = 1; m < s.multiples[d]; ++m) std::memcpy(out + m * written, out, written);
  return written * static_cast<size_t>(s.multiples[d]);
}

// memcpy-bound: one form serves as reference and optimized.
Status EvalTile(KernelContext& ctx) {
  const TileState& s = *ctx.state_as<TileState>();
  if (ctx.output(0).num_elements() == 0) return Status::Ok();
  TileBlock(s, 0, ctx.input_data<uint8_t>(0), ctx.output_data<uint8_t>(0));
  return Status::Ok();
}

// --- TRANSPOSE ---

struct TransposeState : KernelState {
  int rank = 0;
  int64_t out_dims[kMaxRank] = {};
  int64_t in_strides[kMaxRank] = {};  // input stride of each output dimension
};

Status PrepareTranspose(KernelContext& ctx) {
  std::vector<int64_t> perm;
  VKD_RETURN_IF_ERROR(PrepareCommon(ctx, "input 1 (perm)", &perm));
  const ir::Tensor& in = ctx.input(0);
  auto state = std::make_unique<TransposeState>();
  const int rank = static_cast<int>(in.shape.size());
  state->rank = rank;
  int64_t strides[kMaxRank] = {};
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= in.shape[d];
  }
  for (int d = 0; d < rank; ++d) {
    const int64_t p = perm[d] < 0 ? perm[d] + rank : perm[d];  // TFLite accepts negative entries
    state->out_dims[d] = in.shape[p];
    state->in_strides[d] = strides[p];
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename T>
void Transpose(const TransposeState& s, const T* in, T* out) {
  int64_t count = 1;
  for (int d = 0; d < s.rank; ++d) count *= s.out_dims[d];
  if (count == 0) return;
  if (s.rank == 0) {
    out[0] = in[0];
    return;
  }
  // Output rows: the last output dimension is a strided gather.
  const int last = s.rank - 1;
  const int64_t row = s.out_dims[last], step = s.in_strides[last];
  int64_t index[kMaxRank] = {};
  for (int64_t o = 0; o < count; o += row) {
    int64_t base = 0;
    for (int d = 0; d < last; ++d) base += index[d] * s.in_strides[d];
    for (int64_t i = 0; i < row; ++i) out[o + i] = in[base + i * step];
    for (int d = last - 1; d >= 0; --d) {
      if (++index[d] < s.out_dims[d]) break;
      index[d] = 0;
    }
  }
}

// One form serves as reference and optimized.
Status EvalTranspose(KernelContext& ctx) {
  const TransposeState& s = *ctx.state_as<TransposeState>();
  switch (ir::DataTypeSize(ctx.input(0).type)) {
    case 1:
      Transpose(s, ctx.input_data<uint8_t>(0), ctx.output_data<uint8_t>(0));
      break;
    case 2:
      Transpose(s, ctx.input_data<uint16_t>(0), ctx.output_data<uint16_t>(0));
      break;
    case 4:
      Transpose(s, ctx.input_data<uint32_t>(0), ctx.output_data<uint32_t>(0));
      break;
    default:
      Transpose(s, ctx.input_data<uint64_t>(0), ctx.output_data<uint64_t>(0));
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterTileKernels(KernelTable& table) {
  table.Add(ir::OpType::kTile, {PrepareTile, EvalTile});
  table.Add(ir::OpType::kTranspose, {PrepareTranspose, EvalTranspose});
}

}  // namespace vkd::cpu
