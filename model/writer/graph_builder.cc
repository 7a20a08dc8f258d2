#include "model/writer/graph_builder.h"

namespace vkd::writer {

std::string GraphBuilder::AutoName(const std::string& name, const char* prefix) {
  if (!name.empty()) return name;
  return std::string(prefix) + std::to_string(graph_.tensors.size());
}

int GraphBuilder::AddTensor(ir::DataType type, const ir::Shape& shape, const std::string& name,
                            const ir::Quantization& quant) {
  ir::Tensor t;
  t.name = AutoName(name, "t");
  t.type = type;
  t.shape = shape;
  t.quant = quant;
  graph_.tensors.push_back(std::move(t));
  return static_cast<int>(graph_.tensors.size()) - 1;
}

int GraphBuilder::AddInput(ir::DataType type, const ir::Shape& shape, const std::string& name,
                           const ir::Quantization& quant) {
  int t = AddTensor(type, shape, name.empty() ? AutoName(name, "input") : name, quant);
  graph_.inputs.push_back(t);
  return t;
}

int GraphBuilder::AddConstantBytes(ir::DataType type, const ir::Shape& shape,
                                   std::vector<uint8_t> bytes, const std::string& name,
                                   const ir::Quantization& quant) {
  int t = AddTensor(type, shape, name.empty() ? AutoName(name, "const") : name, quant);
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  graph_.tensors[t].data = owned->empty() ? nullptr : owned->data();
  graph_.tensors[t].data_bytes = owned->size();
  owned_.push_back(owned);
  return t;
}

void GraphBuilder::SetShapeSignature(int tensor, const ir::Shape& signature) {
  graph_.tensors[tensor].shape_signature = signature;
}

int GraphBuilder::AddNode(ir::OpType op, const std::vector<int32_t>& inputs,
                          const std::vector<int32_t>& outputs, const ir::OpOptions& options,
                          int version) {
  ir::Node n;
  n.op = op;
  n.version = version;
  n.inputs = inputs;
  n.outputs = outputs;
  n.options = options;
  graph_.nodes.push_back(std::move(n));
  return static_cast<int>(graph_.nodes.size()) - 1;
}

void GraphBuilder::SetIntermediates(int node, const std::vector<int32_t>& tensors) {
  graph_.nodes[node].intermediates = tensors;
}

void GraphBuilder::MarkOutput(int tensor) { graph_.outputs.push_back(tensor); }

ir::Graph GraphBuilder::Build() const {
  ir::Graph g = graph_;
  for (const auto& o : owned_) g.keep_alive.push_back(o);
  return g;
}

}  // namespace vkd::writer
