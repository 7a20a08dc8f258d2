// One GPU partition at run time: its program compiled to pipelines, its
// tensors planned into one arena buffer, its constants uploaded once, and
// one command sequence recorded once and replayed on every invoke (one
// submit, one wait; no host round trip between the partition's ops).
// Re-planned and re-recorded only when input shapes change.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "delegate/gpu/gpu_context.h"
#include "delegate/gpu/program.h"
#include "gpu_runtime/command_sequence.h"
#include "gpu_runtime/descriptors.h"
#include "gpu_runtime/memory.h"
#include "gpu_runtime/pipeline.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::gpu_delegate {

struct PartitionInitStats {
  double build_ms = 0;      // lowering + fusion + weight re-layout
  double shader_ms = 0;     // codegen + SPIR-V (shaderc or cache)
  double pipeline_ms = 0;   // vkCreateComputePipelines
  double upload_ms = 0;     // constants to the GPU
  double tuning_ms = 0;     // timing kernel variants (their pipelines included)
  int tuned_shapes = 0;     // kernel shapes measured in this prepare
  double record_ms = 0;     // buffers, descriptor sets, command recording
  int shader_compiles = 0;  // SPIR-V modules compiled (cache misses)
};

struct KernelProfile {
  std::string name;        // "conv2d[node 3 CONV_2D]"
  std::vector<int> nodes;  // graph nodes it computes
  std::string variant;     // KernelVariant::name; empty for kernels with one form
  // How the variant was chosen: "forced", "tuned" (measured in this run),
  // "tuned-cache" (measured before, remembered), "heuristic".
  std::string chosen_by;
  double flops = 0;     // arithmetic per invoke (multiply-adds count 2), 0 when not counted
  double total_ms = 0;  // GPU time summed over profiled invokes
  double first_ms = 0;  // GPU time of the first profiled invoke
  int64_t invokes = 0;
};

// Floating-point operations of one dispatch of the convolution-like kernels
// (conv2d, conv2d_gemm[_tiled], depthwise_conv2d, transpose_conv2d); 0 for
// the rest, whose cost is memory traffic.
double KernelFlops(const shaders::KernelSpec& spec);

class GpuPartition {
 public:
  // The partition keeps the context and the graph it is compiled from.
  GpuPartition(std::shared_ptr<GpuContext> context, std::shared_ptr<const ir::Graph> graph,
               partition::Partition partition);
  ~GpuPartition();

  // (Re)compiles for these runtime shapes (the graph's tensors after shape
  // propagation). Cheap when the shapes are those of the last call.
  Status Prepare(const std::vector<ir::Tensor>& tensors);
  // inputs[i]: dense float data of partition input i; outputs[i]: where
  // partition output i goes. The host only memcpy's: layout and precision
  // are converted by dispatches inside the recorded sequence.
  Status Invoke(const std::vector<const float*>& inputs, const std::vector<float*>& outputs);

  const partition::Partition& partition() const { return partition_; }
  const Program& program() const { return program_; }
  // Dispatches per invoke of the program's kernels (what fusion decides),
  // and of the input/output conversions around them.
  int num_dispatches() const { return static_cast<int>(program_.kernels.size()); }
  int num_io_dispatches() const { return static_cast<int>(io_kernels_.size()); }
  // Pipeline barriers recorded between dispatches per invoke.
  int num_barriers() const { return barriers_; }
  // True once a submission failed (device lost, fence timeout): callers run
  // the partition on the CPU from then on.
  bool device_failed() const { return device_failed_; }
  // GPU time of the last invoke (first to last command, timestamps), in ms;
  // -1 when the device has no compute timestamps.
  double last_gpu_ms() const { return last_gpu_ms_; }
  const PartitionInitStats& init_stats() const { return init_; }
  size_t arena_bytes() const { return arena_ ? arena_->size() : 0; }
  size_t constant_bytes() const { return constants_ ? constants_->size() : 0; }
  const std::vector<KernelProfile>& profile() const { return profile_; }
  void ResetProfile() {
    for (auto& k : profile_) k.total_ms = 0, k.first_ms = 0, k.invokes = 0;
  }

 private:
  // A partition input or output converted between the caller's dense fp32
  // and the internal layout on the GPU (io_pack.glsl / io_unpack.glsl).
  struct IoKernel {
    bool input = true;
    int tensor = -1;          // program tensor in the arena
    VkDeviceSize offset = 0;  // of its dense data in upload_ or readback_
    VkDeviceSize bytes = 0;   // dense fp32 bytes
    std::unique_ptr<gpu::ComputePipeline> pipeline;
    std::array<uint32_t, 3> groups{};
    VkDescriptorSet set = VK_NULL_HANDLE;
  };

  // A pipeline to create: codegen and SPIR-V done (sequentially, through the
  // SPIR-V cache), vkCreateComputePipelines pending (run in parallel).
  struct PipelineJob {
    gpu::ComputePipelineDesc desc;
    std::array<uint32_t, 3> groups{};
    std::unique_ptr<gpu::ComputePipeline> pipeline;
  };

  // gpu_partition.cc
  Status PlanAndUpload();
  Status Record();
  // gpu_partition_compile.cc: variant choice (forced, remembered, tuned or
  // heuristic), then the pipelines of the program and the I/O kernels.
  Status ChooseVariants();
  Status Tune(const std::vector<int>& kernels, const std::string& key);
  Status Compile();
  StatusOr<PipelineJob> Describe(const shaders::KernelSpec& spec, size_t num_bindings);
  Status CreatePipelines(std::vector<PipelineJob*>& jobs);

  std::shared_ptr<GpuContext> context_;
  std::shared_ptr<const ir::Graph> graph_;
  partition::Partition partition_;
  std::vector<ir::Shape> input_shapes_;  // shapes the program was built for
  Program program_;
  PartitionInitStats init_;
  std::vector<std::unique_ptr<gpu::ComputePipeline>> pipelines_;  // per kernel
  std::vector<std::array<uint32_t, 3>> groups_;                   // per kernel, from codegen
  std::unique_ptr<gpu::Buffer> arena_, constants_;
  // Host-visible staging for the dense fp32 inputs and outputs (IoKernel).
  std::unique_ptr<gpu::Buffer> upload_, readback_;
  std::vector<VkDeviceSize> offsets_;  // per program tensor: in arena_ or constants_
  std::unique_ptr<gpu::DescriptorArena> descriptors_;
  std::vector<VkDescriptorSet> sets_;
  std::unique_ptr<gpu::CommandSequence> sequence_;
  std::vector<IoKernel> io_kernels_;
  std::vector<KernelProfile> profile_;
  bool profiling_ = false;
  std::vector<std::string> variant_, chosen_by_;  // per kernel, for profile_
  std::vector<int> profile_step_;  // per recorded dispatch: profile_ index, -1 for I/O
  int barriers_ = 0;
  bool device_failed_ = false;
  double last_gpu_ms_ = -1;
};

}  // namespace vkd::gpu_delegate
