// Serializes an ir::Graph into a .tflite file (TFLite schema v3) with the
// FlatBuffers builder over vkdelegate's own schema: the inverse of the reader.
// Constant buffers are 16-byte aligned, as TFLite's converter writes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::writer {

StatusOr<std::vector<uint8_t>> SerializeGraph(const ir::Graph& graph,
                                              const std::string& description = "vkdelegate");

Status WriteModelFile(const ir::Graph& graph, const std::string& path);

}  // namespace vkd::writer
