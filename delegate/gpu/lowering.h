// Lowering of single graph nodes to GPU kernels (before fusion). One
// function per op family, in lower_<family>.cc; program_builder.cc calls
// them and fuses what follows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delegate/gpu/program.h"
#include "model/ir/graph.h"
#include "ops/window.h"

namespace vkd::gpu_delegate {

struct LoweredKernel;

// What a lowering function sees: the node, runtime shapes, and a way to
// reference tensors and add constants. Implemented by the program builder.
class LoweringContext {
 public:
  virtual ~LoweringContext() = default;
  virtual const ir::Graph& graph() const = 0;
  virtual const ir::Node& node() const = 0;
  virtual int node_index() const = 0;
  virtual const ir::Tensor& tensor(int graph_tensor) const = 0;  // runtime shape
  virtual shaders::Precision precision() const = 0;
  virtual bool cpu_device() const = 0;
  virtual bool shared_memory_kernels() const = 0;
  // Graph tensor of input i (kNoTensor when absent). A PAD folded into this
  // conv substitutes its own input here and reports its padding below.
  virtual int Input(int i) const = 0;
  virtual int folded_pad_top() const = 0;
  virtual int folded_pad_left() const = 0;
  virtual int folded_pad_height() const = 0;  // top + bottom
  virtual int folded_pad_width() const = 0;   // left + right
  // BHWC dims of a graph tensor (runtime shape).
  virtual StatusOr<shaders::TensorDims> Dims(int graph_tensor) const = 0;
  // The program tensor of an activation (or of a constant, packed like an
  // activation: elementwise operands, concat inputs, ...).
  virtual StatusOr<int> Tensor(int graph_tensor) = 0;
  // A constant's values as float (int8/uint8 dequantized, fp16 widened,
  // host-folded DEQUANTIZE outputs); nullptr for non-constants.
  virtual const float* FloatConstant(int graph_tensor) = 0;
  // A constant buffer of raw vec4 data (already in the kernel's layout).
  virtual int AddConstant(const std::vector<float>& values, const std::string& name) = 0;
  // For ops lowered as more than one kernel (FULLY_CONNECTED's implicit
  // flatten): a program tensor of the program's own, in the arena, and a
  // kernel (bindings complete, output included) that runs before the one
  // being lowered. Emitted kernels are never fused.
  virtual int NewTemporary(const shaders::TensorDims& dims, const std::string& name) = 0;
  virtual void EmitKernel(LoweredKernel k) = 0;
  // The error prefix: "node 12 CONV_2D".
  std::string label() const { return ir::NodeLabel(graph(), node_index()); }
};

struct LoweredKernel {
  shaders::KernelSpec spec;  // variants[variant] applied, when there are variants
  std::vector<KernelVariant> variants;
  int variant = -1;
  std::vector<int> bindings;  // out, inputs, const buffers (program tensors)
  int output_tensor = -1;     // graph tensor the kernel produces
};

// Fused activation of conv/pool/elementwise ops as a post-op. kNone: none.
Status AppendActivation(ir::Activation a, std::vector<shaders::PostOp>& post_ops);

using LowerFn = StatusOr<LoweredKernel> (*)(LoweringContext& ctx);

// lower_conv.cc
StatusOr<LoweredKernel> LowerConv2d(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerDepthwiseConv2d(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerFullyConnected(LoweringContext& ctx);
// lower_pool.cc
StatusOr<LoweredKernel> LowerPool2d(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerMean(LoweringContext& ctx);
// lower_softmax.cc
StatusOr<LoweredKernel> LowerSoftmax(LoweringContext& ctx);
// lower_shape.cc: data movement. PAD/PADV2 that did not fold into a conv,
// CONCATENATION, RESHAPE/SQUEEZE that change the channel count (the others
// are views), STRIDED_SLICE.
StatusOr<LoweredKernel> LowerPad(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerConcatenation(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerReshapeCopy(LoweringContext& ctx);
StatusOr<LoweredKernel> LowerStridedSlice(LoweringContext& ctx);
// `graph_tensor` copied, in dense element order, into a new temporary of
// `dims` (same element count), by a kernel emitted before the current one.
// Returns the temporary's program tensor.
StatusOr<int> EmitDenseCopy(LoweringContext& ctx, int graph_tensor, const shaders::TensorDims& dims,
                            const std::string& name);
// lower_resize.cc: RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR.
StatusOr<LoweredKernel> LowerResize(LoweringContext& ctx);
// lower_transpose_conv.cc
StatusOr<LoweredKernel> LowerTransposeConv(LoweringContext& ctx);
// lower_elementwise.cc: a standalone elementwise kernel (when it cannot be
// fused into its producer).
StatusOr<LoweredKernel> LowerElementwise(LoweringContext& ctx);

// The post-op an elementwise node becomes when fused after a kernel whose
// output is `value_tensor`: sets `op` (and for binary ops, the other operand
// graph tensor in *operand). False when the node is not a fusable
// elementwise op.
bool ElementwiseAsPostOp(const ir::Node& node, int value_tensor, shaders::PostOp* op,
                         int* operand_graph_tensor);

}  // namespace vkd::gpu_delegate
