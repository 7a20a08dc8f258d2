// GraphBuilder: makes ir::Graphs in code — single-op test models, synthetic
// networks (bench/model_zoo) — that SerializeGraph turns into .tflite files.
//
// The built Graph owns its constant data (through Graph::keep_alive), so it
// outlives the builder.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "model/ir/graph.h"

namespace vkd::writer {

class GraphBuilder {
 public:
  // A graph input (activation fed by the caller).
  int AddInput(ir::DataType type, const ir::Shape& shape, const std::string& name = "",
               const ir::Quantization& quant = {});
  // An activation tensor: an op's output or a graph output.
  int AddTensor(ir::DataType type, const ir::Shape& shape, const std::string& name = "",
                const ir::Quantization& quant = {});
  // A constant tensor; the element type follows T (float, int32_t, int8_t, ...).
  template <typename T>
  int AddConstant(const ir::Shape& shape, const std::vector<T>& values,
                  const std::string& name = "", const ir::Quantization& quant = {}) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return AddConstantBytes(ir::DataTypeOf<T>::value, shape, std::move(bytes), name, quant);
  }
  int AddConstantBytes(ir::DataType type, const ir::Shape& shape, std::vector<uint8_t> bytes,
                       const std::string& name = "", const ir::Quantization& quant = {});
  // Sets the -1-bearing shape signature of a tensor (dynamic batch, say).
  void SetShapeSignature(int tensor, const ir::Shape& signature);

  // Appends a node; nodes run in the order they are added.
  int AddNode(ir::OpType op, const std::vector<int32_t>& inputs,
              const std::vector<int32_t>& outputs, const ir::OpOptions& options = {},
              int version = 1);
  // Sets a node's intermediates: tensors that carry only quantization
  // parameters (the integer LSTM's gate scales).
  void SetIntermediates(int node, const std::vector<int32_t>& tensors);
  void MarkOutput(int tensor);

  // The graph built so far (the builder may be reused after).
  ir::Graph Build() const;

 private:
  std::string AutoName(const std::string& name, const char* prefix);

  ir::Graph graph_;
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned_;
};

}  // namespace vkd::writer
