#include "model/reader/model_reader.h"

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <limits>
#include <type_traits>

#include "model/codec/codec_util.h"
#include "model/codec/op_options_codec.h"
#include "model/reader/mapped_file.h"
#include "schema/tflite_model_generated.h"

namespace vkd::reader {
namespace {

namespace tfl = ::vkd::tfl;
using codec::detail::ToVector;  // bytewise: see codec_util.h

std::string Quote(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

StatusOr<ir::DataType> ConvertType(tfl::TensorType t) {
  int v = static_cast<int>(t);
  if (v < 0 || v > static_cast<int>(ir::DataType::kFloat64)) {
    return UnimplementedError("tensor type " + std::string(tfl::EnumNameTensorType(t)) + " (" +
                              std::to_string(v) + ") unsupported");
  }
  return static_cast<ir::DataType>(v);
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : file_(data), file_size_(size) {}

  StatusOr<Model> Read(std::shared_ptr<const void> owner) {
    if (file_size_ < 8)
      return DataLossError("file too short to be a .tflite model (" + std::to_string(file_size_) +
                           " bytes)");
    if (!flatbuffers::BufferHasIdentifier(file_, tfl::ModelIdentifier())) {
      return DataLossError("not a .tflite model: file identifier is not 'TFL3'");
    }
    // The flatbuffer proper may be shorter than the file when buffers are
    // stored after it (large models); the verifier only sees the root table
    // and what it references.
    flatbuffers::Verifier::Options vopts;
    vopts.max_depth = 64;
    vopts.max_tables = 10'000'000;
    vopts.check_alignment = true;
    flatbuffers::Verifier verifier(
        file_, std::min<size_t>(file_size_, FLATBUFFERS_MAX_BUFFER_SIZE - 1), vopts);
    if (!tfl::VerifyModelBuffer(verifier)) {
      return DataLossError("model failed FlatBuffers verification (truncated or corrupt file)");
    }
    const tfl::Model* m = tfl::GetModel(file_);
    Model out;
    out.schema_version = m->version();
    if (out.schema_version != 3) {
      return UnimplementedError("schema version " + std::to_string(out.schema_version) +
                                " unsupported (need 3)");
    }
    out.description = Quote(m->description());
    if (!m->subgraphs() || m->subgraphs()->size() == 0)
      return DataLossError("model has no subgraph");
    out.num_subgraphs = static_cast<int>(m->subgraphs()->size());
    model_ = m;

    const tfl::SubGraph* sg = m->subgraphs()->Get(0);
    ir::Graph& g = out.graph;
    g.name = Quote(sg->name());
    g.keep_alive.push_back(std::move(owner));
    VKD_RETURN_IF_ERROR(ReadTensors(*sg, g));
    VKD_RETURN_IF_ERROR(ReadIndexList(sg->inputs(), g, "graph input", &g.inputs));
    VKD_RETURN_IF_ERROR(ReadIndexList(sg->outputs(), g, "graph output", &g.outputs));
    VKD_RETURN_IF_ERROR(ReadOperators(*sg, g));
    VKD_RETURN_IF_ERROR(CheckDataflow(g));

    if (auto* md = m->metadata()) {
      for (const auto* e : *md) out.metadata_names.push_back(e ? Quote(e->name()) : "");
    }
    if (auto* sigs = m->signature_defs()) {
      for (const auto* s : *sigs) {
        if (!s || s->subgraph_index() != 0) continue;
        SignatureDef def;
        def.key = Quote(s->signature_key());
        auto read_map = [&](const flatbuffers::Vector<flatbuffers::Offset<tfl::TensorMap>>* v,
                            std::vector<std::pair<std::string, int32_t>>* dst) -> Status {
          if (!v) return Status::Ok();
          for (const auto* e : *v) {
            if (!e || e->tensor_index() >= g.tensors.size()) {
              return OutOfRangeError("signature '" + def.key + "': tensor index out of range");
            }
            dst->emplace_back(Quote(e->name()), static_cast<int32_t>(e->tensor_index()));
          }
          return Status::Ok();
        };
        VKD_RETURN_IF_ERROR(read_map(s->inputs(), &def.inputs));
        VKD_RETURN_IF_ERROR(read_map(s->outputs(), &def.outputs));
        out.signatures.push_back(std::move(def));
      }
    }
    return out;
  }

 private:
  Status ReadTensors(const tfl::SubGraph& sg, ir::Graph& g) {
    if (!sg.tensors()) return Status::Ok();
    const auto* buffers = model_->buffers();
    const uint32_t num_buffers = buffers ? buffers->size() : 0;
    g.tensors.reserve(sg.tensors()->size());
    for (uint32_t i = 0; i < sg.tensors()->size(); ++i) {
      const tfl::Tensor* t = sg.tensors()->Get(i);
      ir::Tensor tensor;
      tensor.name = Quote(t->name());
      auto where = [&] { return "tensor " + std::to_string(i) + " '" + tensor.name + "'"; };
      auto type = ConvertType(t->type());
      if (!type.ok()) return type.status().WithContext(where());
      tensor.type = *type;
      tensor.shape = ToVector(t->shape());
      for (int32_t d : tensor.shape) {
        if (d < 0)
          return DataLossError(where() + ": negative dimension in shape " +
                               ir::ShapeToString(tensor.shape));
      }
      if (tensor.shape.size() > 8)
        return UnimplementedError(where() + ": rank " + std::to_string(tensor.shape.size()) +
                                  " > 8");
      int64_t elements = 0;
      if (!ir::CheckedNumElements(tensor.shape, &elements)) {
        return OutOfRangeError(where() + ": shape " + ir::ShapeToString(tensor.shape) +
                               " has more than 2^40 elements");
      }
      tensor.shape_signature = ToVector(t->shape_signature());
      if (!tensor.shape_signature.empty() && tensor.shape_signature.size() != tensor.shape.size()) {
        return DataLossError(where() + ": shape_signature rank differs from shape rank");
      }
      tensor.is_variable = t->is_variable();
      if (t->sparsity()) return UnimplementedError(where() + ": sparse tensors unsupported");
      if (const auto* q = t->quantization()) {
        if (q->details_type() != tfl::QuantizationDetails::NONE) {
          return UnimplementedError(where() + ": custom quantization unsupported");
        }
        tensor.quant.scale = ToVector(q->scale());
        tensor.quant.zero_point = ToVector(q->zero_point());
        tensor.quant.quantized_dimension = q->quantized_dimension();
        if (!tensor.quant.scale.empty()) {
          const size_t n = tensor.quant.scale.size();
          if (!tensor.quant.zero_point.empty() && tensor.quant.zero_point.size() != n) {
            return DataLossError(where() + ": " + std::to_string(n) + " scales but " +
                                 std::to_string(tensor.quant.zero_point.size()) + " zero points");
          }
          if (tensor.quant.zero_point.empty()) tensor.quant.zero_point.assign(n, 0);
          if (n > 1) {
            const int qd = tensor.quant.quantized_dimension;
            if (qd < 0 || qd >= static_cast<int>(tensor.shape.size()) ||
                tensor.shape[qd] != static_cast<int32_t>(n)) {
              return DataLossError(where() + ": " + std::to_string(n) +
                                   " per-channel scales do not match dimension " +
                                   std::to_string(qd) + " of shape " +
                                   ir::ShapeToString(tensor.shape));
            }
          }
        }
      }
      // Constant data: buffer 0 is the empty sentinel.
      const uint32_t b = t->buffer();
      if (b >= num_buffers && !(b == 0 && num_buffers == 0)) {
        return OutOfRangeError(where() + ": buffer index " + std::to_string(b) +
                               " >= " + std::to_string(num_buffers) + " buffers");
      }
      if (b != 0) {
        const tfl::Buffer* buf = buffers->Get(b);
        const uint8_t* data = nullptr;
        size_t bytes = 0;
        if (buf && buf->offset() > 1) {
          // Data outside the flatbuffer (models > 2 GiB): offset from file start.
          const uint64_t off = buf->offset(), sz = buf->size();
          if (off > file_size_ || sz > file_size_ - off) {
            return DataLossError(where() + ": buffer " + std::to_string(b) + " [" +
                                 std::to_string(off) + ", +" + std::to_string(sz) +
                                 ") runs past the end of the file (" + std::to_string(file_size_) +
                                 " bytes)");
          }
          data = file_ + off;
          bytes = sz;
        } else if (buf && buf->data() && buf->data()->size() > 0) {
          data = buf->data()->data();
          bytes = buf->data()->size();
        }
        if (data) {
          if (tensor.type == ir::DataType::kString) {
            return UnimplementedError(where() + ": constant STRING tensors unsupported");
          }
          const size_t need = tensor.bytes();
          if (bytes != need) {
            return DataLossError(where() + ": buffer " + std::to_string(b) + " holds " +
                                 std::to_string(bytes) + " bytes, shape " +
                                 ir::ShapeToString(tensor.shape) + " " +
                                 ir::DataTypeName(tensor.type) + " needs " + std::to_string(need));
          }
          tensor.data = data;
          tensor.data_bytes = bytes;
        }
      }
      g.tensors.push_back(std::move(tensor));
    }
    return Status::Ok();
  }

  Status ReadIndexList(const flatbuffers::Vector<int32_t>* v, const ir::Graph& g, const char* what,
                       std::vector<int32_t>* dst, bool allow_absent = false) {
    if (!v) return Status::Ok();
    for (uint32_t k = 0; k < v->size(); ++k) {
      int32_t idx = v->Get(k);
      if (allow_absent && idx == ir::kNoTensor) {
        dst->push_back(idx);
        continue;
      }
      if (idx < 0 || idx >= static_cast<int32_t>(g.tensors.size())) {
        return OutOfRangeError(std::string(what) + " " + std::to_string(k) + ": tensor index " +
                               std::to_string(idx) + " out of range (" +
                               std::to_string(g.tensors.size()) + " tensors)");
      }
      dst->push_back(idx);
    }
    return Status::Ok();
  }

  Status ReadOperators(const tfl::SubGraph& sg, ir::Graph& g) {
    if (!sg.operators()) return Status::Ok();
    const auto* codes = model_->operator_codes();
    const uint32_t num_codes = codes ? codes->size() : 0;
    g.nodes.reserve(sg.operators()->size());
    for (uint32_t i = 0; i < sg.operators()->size(); ++i) {
      const tfl::Operator* op = sg.operators()->Get(i);
      const std::string where = "node " + std::to_string(i);
      if (op->opcode_index() >= num_codes) {
        return OutOfRangeError(where + ": operator code index " +
                               std::to_string(op->opcode_index()) +
                               " >= " + std::to_string(num_codes) + " codes");
      }
      const tfl::OperatorCode* code = codes->Get(op->opcode_index());
      // The real code is the larger of the legacy byte and the int32 field:
      // old files fill only the first, new ones put 127 there for codes > 127.
      const int32_t raw = std::max<int32_t>(code->deprecated_builtin_code(),
                                            static_cast<int32_t>(code->builtin_code()));
      ir::Node node;
      node.op = static_cast<ir::OpType>(raw);
      node.version = code->version();
      if (node.op == ir::OpType::kCustom) node.custom_name = Quote(code->custom_code());
      const std::string full = where + " " +
                               (node.op == ir::OpType::kCustom ? "CUSTOM '" + node.custom_name + "'"
                                                               : ir::OpTypeName(node.op));
      VKD_RETURN_IF_ERROR_CTX(
          ReadIndexList(op->inputs(), g, "input", &node.inputs, /*allow_absent=*/true), full);
      VKD_RETURN_IF_ERROR_CTX(ReadIndexList(op->outputs(), g, "output", &node.outputs), full);
      if (op->intermediates()) {
        VKD_RETURN_IF_ERROR_CTX(
            ReadIndexList(op->intermediates(), g, "intermediate", &node.intermediates), full);
      }
      if (node.outputs.empty() && node.op != ir::OpType::kCustom) {
        return DataLossError(full + ": operator has no outputs");
      }
      auto options = codec::ReadOptions(node.op, *op);
      if (!options.ok()) return options.status().WithContext(full);
      node.options = std::move(options).value();
      g.nodes.push_back(std::move(node));
    }
    return Status::Ok();
  }

  // Every activation a node reads must be a graph input, a variable, or the
  // output of an earlier node; a node may not overwrite a constant. This
  // catches malicious orderings the interpreter would otherwise read as
  // uninitialized memory.
  Status CheckDataflow(const ir::Graph& g) {
    std::vector<uint8_t> written(g.tensors.size(), 0);
    for (int32_t t : g.inputs) written[t] = 1;
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (g.tensors[t].is_constant() || g.tensors[t].is_variable) written[t] = 1;
    }
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      const ir::Node& node = g.nodes[n];
      for (int32_t t : node.inputs) {
        if (t == ir::kNoTensor) continue;
        if (!written[t]) {
          return DataLossError(ir::NodeLabel(g, static_cast<int>(n)) + ": input " +
                               ir::TensorLabel(g, t) + " is read before any node writes it");
        }
      }
      for (int32_t t : node.outputs) {
        if (g.tensors[t].is_constant()) {
          return DataLossError(ir::NodeLabel(g, static_cast<int>(n)) + ": output " +
                               ir::TensorLabel(g, t) + " is a constant");
        }
        written[t] = 1;
      }
    }
    for (int32_t t : g.outputs) {
      if (!written[t])
        return DataLossError("graph output " + ir::TensorLabel(g, t) + " is never written");
    }
    return Status::Ok();
  }

  const uint8_t* file_;
  size_t file_size_;
  const tfl::Model* model_ = nullptr;
};

}  // namespace

StatusOr<Model> ReadModelFromBuffer(std::shared_ptr<const void> owner, const uint8_t* data,
                                    size_t size) {
  if (!data) return InvalidArgumentError("model buffer is null");
  // Constant tensors are read in place, so the buffer must be aligned as the
  // flatbuffer requires (16 for buffer data).
  if (reinterpret_cast<uintptr_t>(data) % 16 != 0) {
    return InvalidArgumentError("model buffer must be 16-byte aligned");
  }
  return Reader(data, size).Read(std::move(owner));
}

StatusOr<Model> ReadModelFile(const std::string& path) {
  VKD_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::Open(path));
  const uint8_t* data = file->data();
  const size_t size = file->size();
  auto model = ReadModelFromBuffer(std::move(file), data, size);
  if (!model.ok()) return model.status().WithContext(path);
  return model;
}

StatusOr<Model> ReadModelFromBytes(std::vector<uint8_t> bytes) {
  // std::vector's allocation is 16-byte aligned on glibc (malloc alignment).
  auto owner = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  return ReadModelFromBuffer(owner, owner->data(), owner->size());
}

}  // namespace vkd::reader
