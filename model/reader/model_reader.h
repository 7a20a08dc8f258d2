// Reads a .tflite file into the graph IR.
//
// The file is memory-mapped and checked with the FlatBuffers verifier before
// any field is read; then every index (tensor, buffer, operator code), every
// buffer range and every constant's size is checked against the file, so a
// truncated or malicious model yields a DataLoss/OutOfRange/Unimplemented
// Status that names the node, op and tensor — never a crash. Constant data is
// not copied: ir::Tensor::data points into the mapping.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::reader {

struct SignatureDef {
  std::string key;
  std::vector<std::pair<std::string, int32_t>> inputs;  // alias -> tensor index
  std::vector<std::pair<std::string, int32_t>> outputs;
};

struct Model {
  ir::Graph graph;  // subgraph 0, the main graph
  uint32_t schema_version = 0;
  std::string description;
  int num_subgraphs = 0;
  std::vector<std::string> metadata_names;
  std::vector<SignatureDef> signatures;
};

// Maps and reads the file at `path`.
StatusOr<Model> ReadModelFile(const std::string& path);

// Reads a model held in memory. `owner` keeps [data, data + size) alive for
// as long as the returned graph (or a copy of it) lives.
StatusOr<Model> ReadModelFromBuffer(std::shared_ptr<const void> owner, const uint8_t* data,
                                    size_t size);

// Convenience for tests and tools: the bytes are moved into shared ownership.
StatusOr<Model> ReadModelFromBytes(std::vector<uint8_t> bytes);

}  // namespace vkd::reader
