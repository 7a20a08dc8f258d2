// The conversions at the edges of a GPU partition whose inputs or outputs
// are quantized outside it (enable_quant): the GPU computes in float, so a
// uint8/int8 input is dequantized into float staging before the partition
// runs, and a float result is quantized into the caller's uint8/int8 tensor
// after — the arithmetic of TFLite's DEQUANTIZE and QUANTIZE kernels.
// Float edges pass through untouched.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::gpu_delegate {

class PartitionEdges {
 public:
  PartitionEdges() = default;
  // `inputs` / `outputs`: the partition's edge tensors as the caller stores
  // them (type, quantization). Errors for types the GPU cannot be fed.
  static StatusOr<PartitionEdges> Create(const std::vector<ir::Tensor>& inputs,
                                         const std::vector<ir::Tensor>& outputs);

  bool converts() const { return converts_; }
  // Sizes the staging buffers (elements per edge); Prepare-time only.
  void Resize(const std::vector<int64_t>& input_counts, const std::vector<int64_t>& output_counts);
  // The float data the GPU reads: the caller's, or staging dequantized from it.
  std::vector<const float*> Inputs(const std::vector<const void*>& data);
  // Where the GPU writes: the caller's data, or staging.
  std::vector<float*> Outputs(const std::vector<void*>& data);
  // Quantizes staged outputs into the caller's tensors.
  void StoreOutputs(const std::vector<void*>& data) const;

 private:
  struct Edge {
    ir::DataType type = ir::DataType::kFloat32;
    double scale = 1;
    int32_t zero_point = 0;
    std::vector<float> staging;  // quantized edges only
  };
  static StatusOr<Edge> MakeEdge(const ir::Tensor& t, const char* role, size_t index);
  std::vector<Edge> inputs_, outputs_;
  bool converts_ = false;
};

}  // namespace vkd::gpu_delegate
