// DequantizeModel: turns a quantized model (uint8 asymmetric per tensor, int8
// per channel, or hybrid int8-weight) into the float32 model that computes
// its real values, so a float-only engine can run a quantized model's real
// weights (mobilenet_v2_1.0_224_quant still answers "Egyptian cat").
//
// What changes:
//   - every quantized constant (uint8/int8 weights, per tensor or per channel
//     along quantized_dimension; int32 biases, whose scale TFLite sets to
//     input_scale * weight_scale) becomes a FLOAT32 constant holding
//     scale * (q - zero_point), computed in double and rounded once;
//   - every quantized uint8/int8 activation becomes FLOAT32 without
//     quantization, graph inputs and outputs included;
//   - QUANTIZE and DEQUANTIZE whose input and output are then both FLOAT32
//     are identities: they are removed and their consumers rewired. When both
//     ends must stay (a graph input feeding a graph output, or a constant
//     feeding a graph output) the node becomes a RESHAPE to the same shape;
//   - non-quantized tensors (int32 shapes, int64 axes, float16 constants,
//     float activations) are left as they are.
// Tensor ids are unchanged; a tensor left unused by a removed node stays in
// the table with no reader or writer (the interpreter and TFLite ignore it).
//
// The float model differs from the quantized one by rounding only, with one
// deliberate exception: an integer kernel clamps its output to the range its
// output quantization can represent, [scale*(qmin-zp), scale*(qmax-zp)],
// even when the op's fused activation is NONE (the logits of
// mobilenet_v2_1.0_224_quant are clamped to [-5.7, 19.5]). The float model
// does not clamp there: calibrated ranges cover the values a model produces
// on its own data, so this changes outputs only where the quantized model
// saturates (on cat.bmp the two agree to about 0.01 in probability; on uniform
// random inputs saturation is the larger part of the gap, e.g. 0.40 of 0.60
// for kws_ref_model's softmax). Emulating it would take a MAXIMUM/MINIMUM
// pair per tensor. Fused activations (RELU6 and the like) are kept from the
// options as they are.
//
// Only ops whose quantized kernels approximate their float kernels on real
// values are accepted where a tensor changed type (CONV_2D, ADD, SOFTMAX,
// RESHAPE, ...); an op such as CAST, whose result on a quantized tensor is
// the raw integer, yields Unimplemented naming the node and tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::transform {

struct DequantizeModelOptions {
  // Accept ops outside the list of value-semantic ops (see above) on
  // dequantized tensors, at the caller's risk. For trying new models.
  bool allow_unlisted_ops = false;
  // Keep node i of the result the float form of node i of the source: an
  // identity QUANTIZE/DEQUANTIZE becomes a RESHAPE to the same shape instead
  // of being removed. Lets a caller mix the two graphs node by node (the GPU
  // path's enable_quant runs some nodes of the float graph, the rest of the
  // quantized one).
  bool keep_every_node = false;
};

struct DequantizedModel {
  // The float32 graph. Owns its new float constants through keep_alive, and
  // shares the source graph's buffers for the constants it left unchanged.
  ir::Graph graph;
  // Per graph input / output, in graph order: the source model's element
  // type and quantization (empty for float and other unquantized tensors).
  // A quantized input q enters the float graph as scale * (q - zero_point);
  // a float output x maps back as round(x / scale) + zero_point.
  std::vector<ir::DataType> input_types, output_types;
  std::vector<ir::Quantization> input_quant, output_quant;
};

// Whether `op`'s quantized kernel approximates its float kernel on real
// values (CONV_2D, ADD, SOFTMAX, RESHAPE, ...), so that the float op may
// stand in for it; false for CAST, GATHER indices, LSTM and the like.
bool IsValueSemanticOp(ir::OpType op);

StatusOr<DequantizedModel> DequantizeModel(const ir::Graph& quant_graph,
                                           const DequantizeModelOptions& options = {});

// Inputs for the float graph are converted with ir::DequantizeValues
// (model/ir/dequantize.h), the dequantizer every path shares.

}  // namespace vkd::transform
