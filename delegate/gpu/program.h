// A GPU program: what one partition compiles to before any Vulkan object
// exists — the fused kernels in execution order, the tensors they bind, and
// the constant data (already re-laid out and encoded) to upload once.
//
// BuildProgram is where fusion happens (see program_builder.cc):
//   * conv / depthwise / fully-connected / pool / elementwise kernels absorb
//     the elementwise ops that follow them (fused activation, residual ADD,
//     MUL, further activations) while the intermediate has no other reader;
//   * a zero PAD in front of a conv folds into the conv's padding;
//   * RESHAPE/SQUEEZE that keep the channel count move no data (the GPU
//     layout of the result is the same bytes);
//   * DEQUANTIZE of a constant, and int8/fp16 weights, are turned into float
//     once, on the host, here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"
#include "shaders/kernel_spec.h"

namespace vkd::gpu_delegate {

struct ProgramTensor {
  int graph_tensor = -1;  // -1: a temporary of the program
  shaders::TensorDims dims;
  bool constant = false;
  int constant_index = -1;  // into Program::constants
  int alias_of = -1;        // program tensor whose memory this one views
  size_t bytes = 0;         // stored size (GPU layout, program precision)
  std::string name;         // for errors and reports
};

// One way to compute a kernel: its template and dispatch shape. The variants
// of a kernel bind the same buffers in the same order and compute the same
// values (each is tested against TFLite on its own); they differ in speed
// per device — shared-memory tiling, workgroups per layer, split reductions
// — which the heuristics (ProgramOptions) or the tuner (GpuPartition) decide.
struct KernelVariant {
  std::string name;  // stable, for forcing, tuning caches and reports: "gemm_tiled"
  std::string main;  // GLSL template
  int64_t invocations = 0;
  uint32_t local_size = 64;
  // Set (or replaced) in the spec's int_params. Every variant of a kernel
  // names the same parameters, so switching variants never leaves one stale.
  std::vector<std::pair<std::string, int32_t>> int_params;
};

// `spec` computed the `v` way (template, dispatch, parameters; the name's
// template prefix follows).
shaders::KernelSpec WithVariant(const shaders::KernelSpec& spec, const KernelVariant& v);

struct ProgramKernel {
  // The kernel as the heuristics chose it: variants[variant] applied.
  shaders::KernelSpec spec;
  // Alternatives, in a fixed order; empty when the kernel has only one form.
  std::vector<KernelVariant> variants;
  int variant = -1;
  // Program tensor bound at each binding, in codegen's order: out, inputs,
  // const buffers, post-op operands.
  std::vector<int> bindings;
  std::vector<int> nodes;  // graph nodes it computes, main op first
};

struct Program {
  std::vector<ProgramTensor> tensors;
  std::vector<std::vector<uint8_t>> constants;  // encoded, GPU layout
  std::vector<ProgramKernel> kernels;           // in execution order
  std::vector<int> inputs;                      // per partition input: program tensor
  std::vector<int> outputs;                     // per partition output: program tensor
  std::vector<int> folded_nodes;                // computed on the host at build time
  std::vector<int> alias_nodes;                 // RESHAPEs that move no data
};

struct ProgramOptions {
  shaders::Precision precision = shaders::Precision::kFp32;
  // Pick kernel variants for CPU-like Vulkan devices (lavapipe: no shared
  // memory tiling, wide register blocking).
  bool cpu_device = false;
  // Shared-memory tiled GEMM for 1x1 convolutions and FULLY_CONNECTED:
  // faster on real GPUs, ~3x slower on lavapipe.
  bool shared_memory_kernels = false;
};

// `tensors` holds the graph's tensors with their runtime shapes.
StatusOr<Program> BuildProgram(const ir::Graph& graph, const std::vector<ir::Tensor>& tensors,
                               const partition::Partition& partition,
                               const ProgramOptions& options);

// Rank <= 4 shapes aligned right into BHWC: [C] -> (1,1,1,C), [N,C] ->
// (1,1,N,C), [H,W,C] -> (1,H,W,C). Rank 5+ works when the extra leading
// dimensions are 1.
StatusOr<shaders::TensorDims> ToDims(const ir::Shape& shape);

}  // namespace vkd::gpu_delegate
