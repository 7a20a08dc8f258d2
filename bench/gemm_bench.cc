// vkd-gemm-bench: the GEMM ceiling of the current Vulkan device, measured
// with vkdelegate's own GPU kernels and GPU timestamps.
//
// Runs 1x1 convolutions (the GEMM kernel: M pixel rows x K -> N channels) of
// growing size through the real GPU path and reports GFLOP/s per size; the
// best figure is the device's ceiling, against which vkd-bench reports each
// conv layer (--enable_op_profiling). Also times a 3x3 conv and a depthwise
// conv of MobileNet size for scale.
//
//   vkd-gemm-bench [--runs=20] [--report_json=gemm.json]
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "bench/flags.h"
#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"

namespace vkd::tools {
namespace {

struct Shape {
  const char* what;
  int hw, k, n, kernel;  // kernel 0: depthwise 3x3
};

std::vector<float> Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

ir::Graph Conv(const Shape& s) {
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {1, s.hw, s.hw, s.k});
  const int out = b.AddTensor(ir::DataType::kFloat32, {1, s.hw, s.hw, s.n});
  const int bias = b.AddConstant<float>({s.n}, Random(s.n, 2));
  if (s.kernel == 0) {
    const int w = b.AddConstant<float>({1, 3, 3, s.n}, Random(9 * s.n, 1));
    ir::DepthwiseConv2DOptions o;
    o.activation = ir::Activation::kRelu6;
    b.AddNode(ir::OpType::kDepthwiseConv2d, {in, w, bias}, {out}, o);
  } else {
    const int w = b.AddConstant<float>({s.n, s.kernel, s.kernel, s.k},
                                       Random(size_t{1} * s.n * s.kernel * s.kernel * s.k, 1));
    ir::Conv2DOptions o;
    o.activation = ir::Activation::kRelu6;
    b.AddNode(ir::OpType::kConv2d, {in, w, bias}, {out}, o);
  }
  b.MarkOutput(out);
  return b.Build();
}

int Run(int argc, char** argv) {
  Flags flags;
  flags.Define("runs", "20", "timed invocations per shape (median reported)");
  flags.Define("report_json", "", "write the figures as JSON here");
  flags.Define("gpu_device", "-2", "Vulkan device index (-1: best hardware GPU, -2: any)");
  flags.Define("shared_memory_kernels", "-1",
               "GEMM variant: -1 by device, 0 register-blocked, 1 shared-memory tiled");
  flags.Define("help", "false", "print this help");
  if (Status s = flags.Parse(argc, argv); !s.ok() || flags.GetString("help") == "true") {
    std::fprintf(stderr, "%s", flags.Usage("vkd-gemm-bench").c_str());
    return s.ok() ? 0 : 2;
  }
  const int runs = std::max(1, *flags.GetInt("runs"));
  gpu_delegate::GpuOptions go;
  go.enable_profiling = true;
  go.device_index = *flags.GetInt("gpu_device");
  go.shared_memory_kernels = *flags.GetInt("shared_memory_kernels");
  auto ctx = gpu_delegate::GpuContext::Create(go);
  if (!ctx.ok()) {
    std::fprintf(stderr, "vkd-gemm-bench: %s\n", ctx.status().message().c_str());
    return 1;
  }
  const Shape shapes[] = {
      {"gemm", 28, 64, 64, 1},   {"gemm", 56, 96, 96, 1},    {"gemm", 56, 128, 128, 1},
      {"gemm", 28, 256, 256, 1}, {"gemm", 14, 512, 512, 1},  {"gemm", 56, 24, 144, 1},
      {"gemm", 7, 320, 1280, 1}, {"conv3x3", 56, 32, 32, 3}, {"depthwise3x3", 56, 144, 144, 0},
  };
  std::printf("vkd-gemm-bench on %s (median of %d, GPU timestamps)\n",
              (*ctx)->device().info().name.c_str(), runs);
  std::printf("  %-14s %-22s %10s %10s\n", "kernel", "M x K -> N", "ms", "GFLOP/s");
  nlohmann::json report = nlohmann::json::array();
  double ceiling = 0;
  for (const Shape& s : shapes) {
    RunnerOptions ro;
    ro.shared_context = *ctx;
    auto runner = ModelRunner::Create(Conv(s), ro);
    if (!runner.ok() || !(*runner)->AllocateTensors().ok() || !(*runner)->gpu_active()) {
      std::fprintf(stderr, "vkd-gemm-bench: cannot run %s on the GPU\n", s.what);
      return 1;
    }
    std::vector<double> ms;
    for (int r = 0; r < runs + 1; ++r) {
      const auto& part = (*runner)->partitions()[0];
      part->ResetProfile();
      if (Status st = (*runner)->Invoke(); !st.ok()) {
        std::fprintf(stderr, "vkd-gemm-bench: %s\n", st.message().c_str());
        return 1;
      }
      if (r > 0) ms.push_back(part->profile()[0].total_ms);  // first run warms caches
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const double m = double(s.hw) * s.hw;
    const double flops =
        s.kernel == 0 ? 2.0 * m * s.n * 9 : 2.0 * m * s.k * s.n * s.kernel * s.kernel;
    const double gflops = median > 0 ? flops / (median * 1e6) : 0;
    if (std::string(s.what) == "gemm") ceiling = std::max(ceiling, gflops);
    char dims[64];
    std::snprintf(dims, sizeof(dims), "%d x %d -> %d", s.hw * s.hw, s.k, s.n);
    std::printf("  %-14s %-22s %10.3f %10.2f\n", s.what, dims, median, gflops);
    report.push_back({{"kernel", s.what},
                      {"m", s.hw * s.hw},
                      {"k", s.k},
                      {"n", s.n},
                      {"median_ms", median},
                      {"gflops", gflops}});
  }
  std::printf("  GEMM ceiling  %.2f GFLOP/s\n", ceiling);
  if (!flags.GetString("report_json").empty()) {
    std::ofstream f(flags.GetString("report_json"));
    f << nlohmann::json{{"device", (*ctx)->device().info().name},
                        {"ceiling_gflops", ceiling},
                        {"shapes", report}}
             .dump(2)
      << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace vkd::tools

int main(int argc, char** argv) { return vkd::tools::Run(argc, argv); }
