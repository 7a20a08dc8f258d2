#include "delegate/gpu/partition_edges.h"

#include <string>

#include "ops/quantize.h"

namespace vkd::gpu_delegate {
namespace {

template <typename T>
void DequantizeInto(const T* in, float* out, size_t n, double scale, int32_t zero_point) {
  // TFLite's Dequantize: the difference times the (double) scale, then float.
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<float>(scale * (static_cast<int32_t>(in[i]) - zero_point));
  }
}

}  // namespace

StatusOr<PartitionEdges::Edge> PartitionEdges::MakeEdge(const ir::Tensor& t, const char* role,
                                                        size_t index) {
  Edge e;
  e.type = t.type;
  if (t.type == ir::DataType::kFloat32) return e;
  const std::string what = std::string(role) + " " + std::to_string(index) + " '" + t.name + "'";
  if (t.type != ir::DataType::kUInt8 && t.type != ir::DataType::kInt8) {
    return UnimplementedError(what + ": " + ir::DataTypeName(t.type) +
                              " cannot cross into a GPU partition");
  }
  if (t.quant.empty() || t.quant.zero_point.empty() || t.quant.per_channel()) {
    return InvalidArgumentError(what + ": " + ir::DataTypeName(t.type) +
                                " edge needs one scale and zero point");
  }
  e.scale = t.quant.scale[0];
  e.zero_point = static_cast<int32_t>(t.quant.zero_point[0]);
  return e;
}

StatusOr<PartitionEdges> PartitionEdges::Create(const std::vector<ir::Tensor>& inputs,
                                                const std::vector<ir::Tensor>& outputs) {
  PartitionEdges p;
  for (size_t i = 0; i < inputs.size(); ++i) {
    VKD_ASSIGN_OR_RETURN(Edge e, MakeEdge(inputs[i], "input", i));
    p.converts_ = p.converts_ || e.type != ir::DataType::kFloat32;
    p.inputs_.push_back(std::move(e));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    VKD_ASSIGN_OR_RETURN(Edge e, MakeEdge(outputs[i], "output", i));
    p.converts_ = p.converts_ || e.type != ir::DataType::kFloat32;
    p.outputs_.push_back(std::move(e));
  }
  return p;
}

void PartitionEdges::Resize(const std::vector<int64_t>& input_counts,
                            const std::vector<int64_t>& output_counts) {
  for (size_t i = 0; i < inputs_.size() && i < input_counts.size(); ++i) {
    if (inputs_[i].type != ir::DataType::kFloat32) inputs_[i].staging.resize(input_counts[i]);
  }
  for (size_t i = 0; i < outputs_.size() && i < output_counts.size(); ++i) {
    if (outputs_[i].type != ir::DataType::kFloat32) outputs_[i].staging.resize(output_counts[i]);
  }
}

std::vector<const float*> PartitionEdges::Inputs(const std::vector<const void*>& data) {
  std::vector<const float*> out;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    Edge& e = inputs_[i];
    switch (e.type) {
      case ir::DataType::kUInt8:
        DequantizeInto(static_cast<const uint8_t*>(data[i]), e.staging.data(), e.staging.size(),
                       e.scale, e.zero_point);
        out.push_back(e.staging.data());
        break;
      case ir::DataType::kInt8:
        DequantizeInto(static_cast<const int8_t*>(data[i]), e.staging.data(), e.staging.size(),
                       e.scale, e.zero_point);
        out.push_back(e.staging.data());
        break;
      default:
        out.push_back(static_cast<const float*>(data[i]));
    }
  }
  return out;
}

std::vector<float*> PartitionEdges::Outputs(const std::vector<void*>& data) {
  std::vector<float*> out;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    Edge& e = outputs_[i];
    out.push_back(e.type == ir::DataType::kFloat32 ? static_cast<float*>(data[i])
                                                   : e.staging.data());
  }
  return out;
}

void PartitionEdges::StoreOutputs(const std::vector<void*>& data) const {
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const Edge& e = outputs_[i];
    const int64_t n = static_cast<int64_t>(e.staging.size());
    if (e.type == ir::DataType::kUInt8) {
      ops::AffineQuantize(e.staging.data(), static_cast<uint8_t*>(data[i]), n,
                          static_cast<float>(e.scale), e.zero_point);
    } else if (e.type == ir::DataType::kInt8) {
      ops::AffineQuantize(e.staging.data(), static_cast<int8_t*>(data[i]), n,
                          static_cast<float>(e.scale), e.zero_point);
    }
  }
}

}  // namespace vkd::gpu_delegate
