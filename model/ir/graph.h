// The graph IR: what every stage after the reader sees (partitioner, GPU
// compiler, CPU interpreter). No FlatBuffers types leak past the reader.
//
// Ownership: a Graph does not own constant data. Tensor::data points into
// memory kept alive by Graph::keep_alive (the mapped model file, or buffers a
// model transform made), so a Graph may be copied cheaply and every copy stays
// valid.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/ir/data_type.h"
#include "model/ir/op_options.h"
#include "model/ir/op_type.h"

namespace vkd::ir {

using Shape = std::vector<int32_t>;

// Number of elements of `shape` (1 for a scalar). Only for shapes whose
// count is known to fit (CheckedNumElements passed: every tensor the reader
// or a resize accepted).
int64_t NumElements(const Shape& shape);
// Tensors may hold at most this many elements (2^40: bytes of any type still
// fit in int64 and size_t, far beyond any GPU or host memory).
constexpr int64_t kMaxElements = int64_t{1} << 40;
// The element count of `shape`, or false when a dimension is negative or the
// count exceeds kMaxElements (a model may declare anything: dimensions whose
// product wraps 64 bits must be caught before any size is derived from them).
bool CheckedNumElements(const Shape& shape, int64_t* count);
// "[1,224,224,3]"
std::string ShapeToString(const Shape& shape);

// Affine quantization: real = scale * (q - zero_point). Per tensor when
// scale has one entry, else one entry per slice along `quantized_dimension`.
struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;

  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  std::string name;
  DataType type = DataType::kFloat32;
  Shape shape;
  // The shape with -1 for dimensions unknown at conversion (often the batch).
  // Empty when the model has none; then it equals `shape`.
  Shape shape_signature;
  Quantization quant;
  // Constant contents, in place in the model file; nullptr for activations.
  const uint8_t* data = nullptr;
  size_t data_bytes = 0;
  bool is_variable = false;

  bool is_constant() const { return data != nullptr; }
  int64_t num_elements() const { return NumElements(shape); }
  size_t bytes() const { return static_cast<size_t>(num_elements()) * DataTypeSize(type); }
  template <typename T>
  const T* const_data() const {
    return reinterpret_cast<const T*>(data);
  }
};

// An absent optional input is written as kNoTensor in Node::inputs.
inline constexpr int32_t kNoTensor = -1;

struct Node {
  OpType op = OpType::kCustom;
  int32_t version = 1;
  std::string custom_name;  // CUSTOM ops only
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  // Tensors that only carry quantization parameters for the kernel (the
  // integer LSTM reads its gates' scales from them). No data: the
  // interpreter, partitioner and planner ignore them.
  std::vector<int32_t> intermediates;
  OpOptions options;
};

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // in execution order (TFLite stores them sorted)
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::string name;
  // Keeps the memory behind Tensor::data alive (the mapped file, or owned
  // buffers of a transformed model).
  std::vector<std::shared_ptr<const void>> keep_alive;
};

// The options of `op`'s family when a model stored none, so kernels always
// find the right struct (TFLite's parser does the same with its defaults).
OpOptions DefaultOptions(OpType op);

// `node`'s options as O, or O's defaults when the node holds another kind
// (the one reading both the CPU kernels and the shape rules use).
template <typename O>
O OptionsAs(const Node& node) {
  if (const O* o = std::get_if<O>(&node.options)) return *o;
  return O{};
}

// The stand-in for an input a node leaves out (or a hostile model points
// past the tensor table): STRING, no shape, no data, which every type check
// of the kernels and the shape rules refuses, so none indexes tensor -1.
const Tensor& AbsentTensor();

// "node 17 CONV_2D": the prefix of every error that concerns a node.
std::string NodeLabel(const Graph& graph, int node_index);
// "tensor 5 'conv1/weights' FLOAT32 [32,3,3,3]"
std::string TensorLabel(const Graph& graph, int tensor_index);

}  // namespace vkd::ir
