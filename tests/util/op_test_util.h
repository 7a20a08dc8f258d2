// Single-op (and small-graph) comparison against the real TFLite 2.9.
//
// MatchesTfLite serializes `graph`, reads it back through vkdelegate's reader,
// fills every graph input with seeded random values, runs it on vkdelegate's
// CPU interpreter and on TFLite's builtin kernels (XNNPACK off), and checks
// every output: max |ours - tflite| <= tolerance * max(1, max |tflite|)
// (integer outputs: max difference in units <= tolerance). The failure message
// lists the graph's nodes and the worst element, so a sweep failure names its
// parameters.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delegate/gpu/gpu_context.h"
#include "delegate/model_runner.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::test {

struct CompareOptions {
  uint32_t seed = 1;
  float input_min = -1.0f;  // random float inputs are uniform in [min, max]
  float input_max = 1.0f;
  int num_threads = 1;
  bool use_reference = false;  // run vkdelegate's reference kernels instead of optimized
  std::string label;           // printed on failure (sweep parameters)
  // Run vkdelegate with the GPU path (ModelRunner, validation layer on) and
  // require every node on the GPU unless `allow_cpu_nodes`.
  bool use_gpu = false;
  bool fp16 = false;
  bool allow_cpu_nodes = false;
  // How the GPU path partitions the graph (min_nodes_per_partition,
  // max_partitions).
  partition::PartitionOptions partitioning;
  bool shared_memory_kernels = false;  // force the real-GPU kernel variants
  // Force this kernel variant (e.g. "gemm_ksplit8") wherever a kernel offers
  // it, so every variant the tuner may pick is checked against TFLite.
  std::string force_variant;
  // TFLite runs the graph with its int8 constant weights dequantized to
  // float32 (transform::DequantizeModel): the arithmetic the GPU does for
  // hybrid ops, without TFLite's on-the-fly activation quantization, whose
  // error would otherwise hide ours.
  bool reference_dequantized = false;
};

struct CompareReport {
  double max_abs_error = 0;      // worst over all outputs
  double max_abs_reference = 0;  // max |tflite output|
  int gpu_nodes = 0;             // with use_gpu: nodes placed on the GPU
  int dispatches = 0;            // with use_gpu: GPU dispatches per invoke
  int partitions = 0;            // with use_gpu: GPU partitions
};

// The ModelRunner options `options` describe (CPU kernels, GPU path on the
// shared test context; null context without Vulkan).
RunnerOptions RunnerOptionsFor(const CompareOptions& options);

::testing::AssertionResult MatchesTfLite(const ir::Graph& graph, const CompareOptions& options,
                                         double tolerance, CompareReport* report = nullptr);

// Runs both the optimized and the reference kernels against TFLite.
::testing::AssertionResult BothKernelsMatchTfLite(const ir::Graph& graph, CompareOptions options,
                                                  double tolerance);

// True when a Vulkan device with the validation layer is present (GPU tests
// skip otherwise, with a message).
bool GpuAvailable();
// The process-wide GPU context of the tests (validation on); null without
// Vulkan. Destroyed after the last test.
// `tiled` forces the shared-memory kernel variants (real-GPU kernels, tested
// on lavapipe too).
std::shared_ptr<gpu_delegate::GpuContext> SharedGpuContext(bool fp16 = false, bool tiled = false,
                                                           const std::string& force_variant = "");
// Validation errors counted so far by the shared GPU test context.
int GpuValidationErrors();
std::string GpuValidationMessages();

// NumPy broadcasting of two shapes, spelled out independently of the
// kernels' helpers (the expected output shape of a binary op).
ir::Shape BroadcastShape(const ir::Shape& a, const ir::Shape& b);

// FULLY_CONNECTED's output shape: the input with its last dimension replaced
// by `units` (keep_num_dims), else [rows, units] with rows of the input's
// last dimension.
ir::Shape FullyConnectedOutputShape(const ir::Shape& input, int units, bool keep_num_dims);

// Deterministic uniform random values.
std::vector<float> RandomFloats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f);
std::vector<int8_t> RandomInt8(size_t n, uint32_t seed, int lo = -127, int hi = 127);

// Skips the calling test (GTEST_SKIP) when the reference TFLite is not built in.
bool TfLiteAvailable();

}  // namespace vkd::test
