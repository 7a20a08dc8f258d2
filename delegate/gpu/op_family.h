// GPU op families: each family is defined once, in its lower_*.cc file, as
// the ops it covers, its support check (the verdict with a reason that names
// the fix) and its lowering (where kernel variants are listed). The support
// check (op_support.cc) and the program builder both look families up here,
// so placement and compilation cannot disagree about an op, and adding an op
// to the GPU touches its family's file only.
#pragma once

#include <string>
#include <vector>

#include "delegate/gpu/lowering.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::gpu_delegate {

using Verdict = partition::NodeVerdict;
inline Verdict Yes() { return {true, ""}; }
inline Verdict No(std::string reason) { return {false, std::move(reason)}; }

// What a family's support check sees. The generic checks (float32
// activations, shapes the GPU layout takes, the device's buffer range) have
// passed when it is called.
struct SupportQuery {
  const ir::Graph& graph;
  const ir::Node& node;

  const ir::Tensor& tensor(int t) const { return graph.tensors[t]; }
  const ir::Shape& input_shape(int i) const { return graph.tensors[node.inputs[i]].shape; }
  // Input i is constant float data (or int8/uint8 weights dequantized at
  // upload, or the output of a constant DEQUANTIZE).
  bool weights_ok(int i) const;
  // No bias, or a constant one.
  bool bias_ok() const;
  // Tensor t is constant to the GPU program: constant data, or a constant
  // DEQUANTIZE's output.
  bool constant_like(int t) const;
};

struct GpuOpFamily {
  const char* name;
  std::vector<ir::OpType> ops;
  Verdict (*check)(const SupportQuery& q);
  StatusOr<LoweredKernel> (*lower)(LoweringContext& ctx);
};

// Each lower_*.cc file's families.
std::vector<GpuOpFamily> ConvFamilies();           // lower_conv.cc
std::vector<GpuOpFamily> PoolFamilies();           // lower_pool.cc
std::vector<GpuOpFamily> SoftmaxFamilies();        // lower_softmax.cc
std::vector<GpuOpFamily> ShapeFamilies();          // lower_shape.cc
std::vector<GpuOpFamily> ResizeFamilies();         // lower_resize.cc
std::vector<GpuOpFamily> TransposeConvFamilies();  // lower_transpose_conv.cc
std::vector<GpuOpFamily> ElementwiseFamilies();    // lower_elementwise.cc

// The family that runs `op` on the GPU; null for ops without one.
const GpuOpFamily* FindGpuOpFamily(ir::OpType op);

}  // namespace vkd::gpu_delegate
