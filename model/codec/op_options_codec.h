// The one codec of every op's options. For each options struct of the op
// table (model/ir/op_types.def) one Codec specialization in
// op_options_codec.cc holds all three translations side by side: the .tflite
// FlatBuffers table it is read from and written to, and TFLite's
// builtin_data struct (TfLiteNode::builtin_data, tflite_builtin_data.h) the
// delegate meets inside a host. The reader, the writer and the TFLite front
// door call the three dispatchers below; none keeps a switch of its own.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <optional>
#include <utility>

#include "common/status.h"
#include "model/ir/graph.h"
#include "schema/tflite_model_generated.h"

namespace vkd::codec {

// A node's options from its operator table. The union tag decides, not the
// op, as in TFLite's parser; no options (or a tag without its table) gives
// the op's defaults.
StatusOr<ir::OpOptions> ReadOptions(ir::OpType op, const tfl::Operator& table);

// The union member TFLite expects for `node.op` (NONE for ops without
// options).
std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>> WriteOptions(
    flatbuffers::FlatBufferBuilder& fbb, const ir::Node& node);

// The IR options of a node from TFLite's builtin_data (may be null: the
// defaults); false when they cannot be represented, and the node then stays
// with the host.
bool OptionsFromBuiltinData(ir::OpType op, const void* builtin_data, ir::OpOptions* out);

// TfLiteType's numbering (TFLite's C enum, not the schema's TensorType) to
// the IR's; nullopt for types the IR lacks.
std::optional<ir::DataType> DataTypeFromTfLiteType(int tflite_type);

}  // namespace vkd::codec
