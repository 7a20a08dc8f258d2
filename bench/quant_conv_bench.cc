// vkd-quant-conv-bench: times the quantized conv kernels on MobileNetV2-224's
// conv/depthwise/FC layers, before the rest of the quantized model's ops exist.
//
// Builds MobileNetV2-224's convolution chain (the first 3x3 conv, the 17
// inverted-residual blocks' expand/depthwise/project convs without their
// residual ADDs, the 1x1 conv to 1280 channels) plus the 1280 -> 1001
// classifier on a separate input, with random weights, in uint8 (per-tensor)
// or int8 (per-channel) form; runs it on vkdelegate's CPU interpreter and, when
// built with TFLite, on TFLite 2.9's builtin kernels (XNNPACK off), and prints
// median times and the slowest layers.
//
//   vkd-quant-conv-bench [--type=uint8|int8] [--num_threads=1] [--num_runs=30]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/flags.h"
#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#ifdef VKD_QUANT_BENCH_WITH_TFLITE
#include "bench/host_tensor.h"
#include "bench/tflite_runner.h"
#include "model/writer/model_writer.h"
#endif

namespace vkd::tools {
namespace {

using ir::DataType;

class NetBuilder {
 public:
  explicit NetBuilder(DataType type) : type_(type) {}

  int Input(const ir::Shape& shape) { return b_.AddInput(type_, shape, "", Act()); }

  // CONV_2D (kernel > 0) or DEPTHWISE_CONV_2D (kernel < 0, size -kernel).
  int Conv(int x, const ir::Shape& in_shape, int out_c, int kernel, int stride, bool relu6,
           ir::Shape* out_shape) {
    const bool depthwise = kernel < 0;
    const int k = std::abs(kernel);
    const int in_c = in_shape[3];
    const int out_hw = (in_shape[1] + stride - 1) / stride;
    const ir::Shape filter_shape =
        depthwise ? ir::Shape{1, k, k, out_c} : ir::Shape{out_c, k, k, in_c};
    ir::Quantization fq = FilterQuant(out_c, depthwise ? 3 : 0);
    const int filter = Weights(filter_shape, fq);
    const int bias = Bias(out_c, fq);
    *out_shape = {in_shape[0], out_hw, out_hw, out_c};
    const int y = b_.AddTensor(type_, *out_shape, "", Act());
    if (depthwise) {
      ir::DepthwiseConv2DOptions o;
      o.stride_h = o.stride_w = stride;
      o.activation = relu6 ? ir::Activation::kRelu6 : ir::Activation::kNone;
      b_.AddNode(ir::OpType::kDepthwiseConv2d, {x, filter, bias}, {y}, o, 3);
    } else {
      ir::Conv2DOptions o;
      o.stride_h = o.stride_w = stride;
      o.activation = relu6 ? ir::Activation::kRelu6 : ir::Activation::kNone;
      b_.AddNode(ir::OpType::kConv2d, {x, filter, bias}, {y}, o, 3);
    }
    return y;
  }

  int FullyConnected(int x, int in_size, int units) {
    ir::Quantization fq = FilterQuant(units, -1);
    const int w = Weights({units, in_size}, fq);
    const int bias = Bias(units, fq);
    const int y = b_.AddTensor(type_, {1, units}, "", Act());
    b_.AddNode(ir::OpType::kFullyConnected, {x, w, bias}, {y}, ir::FullyConnectedOptions{}, 5);
    return y;
  }

  writer::GraphBuilder& builder() { return b_; }

 private:
  // Every activation shares one scale: random weights keep values spread out
  // when the multiplier is about 1 / sqrt(k) (see the filter scales).
  ir::Quantization Act() const {
    ir::Quantization q;
    q.scale = {0.05f};
    q.zero_point = {type_ == DataType::kUInt8 ? 128 : 0};
    return q;
  }
  ir::Quantization FilterQuant(int channels, int dim) {
    ir::Quantization q;
    if (type_ == DataType::kInt8 && dim >= 0) {
      for (int c = 0; c < channels; ++c) q.scale.push_back(0.01f + 0.0001f * (c % 7));
      q.zero_point.assign(channels, 0);
      q.quantized_dimension = dim;
    } else {
      q.scale = {0.01f};
      q.zero_point = {type_ == DataType::kUInt8 ? 120 : 0};
    }
    return q;
  }
  int Weights(const ir::Shape& shape, const ir::Quantization& q) {
    std::uniform_int_distribution<int> d(type_ == DataType::kUInt8 ? 0 : -127,
                                         type_ == DataType::kUInt8 ? 255 : 127);
    std::vector<uint8_t> bytes(static_cast<size_t>(ir::NumElements(shape)));
    for (auto& v : bytes) v = static_cast<uint8_t>(d(rng_));
    return b_.AddConstantBytes(type_, shape, std::move(bytes), "", q);
  }
  int Bias(int n, const ir::Quantization& fq) {
    ir::Quantization q;
    for (float s : fq.scale) q.scale.push_back(0.05f * s);
    q.zero_point.assign(q.scale.size(), 0);
    std::uniform_int_distribution<int> d(-20000, 20000);
    std::vector<int32_t> v(n);
    for (auto& x : v) x = d(rng_);
    return b_.AddConstant<int32_t>({n}, v, "", q);
  }

  DataType type_;
  writer::GraphBuilder b_;
  std::mt19937 rng_{7};
};

ir::Graph MobileNetV2Convs(DataType type) {
  NetBuilder n(type);
  ir::Shape shape = {1, 224, 224, 3};
  int x = n.Input(shape);
  x = n.Conv(x, shape, 32, 3, 2, true, &shape);
  struct Stage {
    int t, c, repeats, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  for (const Stage& s : stages) {
    for (int i = 0; i < s.repeats; ++i) {
      const int in_c = shape[3];
      if (s.t != 1) x = n.Conv(x, shape, in_c * s.t, 1, 1, true, &shape);
      x = n.Conv(x, shape, shape[3], -3, i == 0 ? s.stride : 1, true, &shape);
      x = n.Conv(x, shape, s.c, 1, 1, false, &shape);
    }
  }
  x = n.Conv(x, shape, 1280, 1, 1, true, &shape);
  n.builder().MarkOutput(x);
  const int features = n.Input({1, 1280});
  n.builder().MarkOutput(n.FullyConnected(features, 1280, 1001));
  return n.builder().Build();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Run(int argc, char** argv) {
  Flags flags;
  flags.Define("type", "uint8", "uint8 (per-tensor, as mobilenet_v2_1.0_224_quant) or int8");
  flags.Define("num_threads", "1", "interpreter threads");
  flags.Define("num_runs", "30", "timed invocations (median reported)");
  flags.Define("help", "false", "print this help");
  if (Status s = flags.Parse(argc, argv); !s.ok() || flags.GetString("help") == "true") {
    std::fprintf(stderr, "%s", flags.Usage("vkd-quant-conv-bench").c_str());
    return s.ok() ? 0 : 2;
  }
  const DataType type = flags.GetString("type") == "int8" ? DataType::kInt8 : DataType::kUInt8;
  const int threads = std::max(1, *flags.GetInt("num_threads"));
  const int runs = std::max(1, *flags.GetInt("num_runs"));
  const ir::Graph graph = MobileNetV2Convs(type);

  cpu::InterpreterOptions options;
  options.num_threads = threads;
  options.enable_profiling = true;
  auto interp = cpu::Interpreter::Create(graph, options);
  if (!interp.ok() || !(*interp)->AllocateTensors().ok()) {
    std::fprintf(stderr, "vkd-quant-conv-bench: cannot prepare the graph\n");
    return 1;
  }
  std::mt19937 rng(1);
  for (int i = 0; i < (*interp)->num_inputs(); ++i) {
    const ir::Tensor& t = (*interp)->input_tensor(i);
    uint8_t* p = (*interp)->input_data(i);
    for (int64_t j = 0; j < t.num_elements(); ++j) p[j] = static_cast<uint8_t>(rng());
  }
  std::vector<double> ms;
  for (int r = 0; r <= runs; ++r) {
    if (r == 1) (*interp)->ResetProfile();  // the first run warms caches
    const auto start = std::chrono::steady_clock::now();
    if (Status s = (*interp)->Invoke(); !s.ok()) {
      std::fprintf(stderr, "vkd-quant-conv-bench: %s\n", s.message().c_str());
      return 1;
    }
    const std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - start;
    if (r > 0) ms.push_back(d.count());
  }
  std::printf("MobileNetV2-224 conv/depthwise/FC layers, %s, %d thread(s), %d runs\n",
              ir::DataTypeName(type), threads, runs);
  std::printf("  vkdelegate CPU   median %8.3f ms\n", Median(ms));
  // Per op type totals.
  double by_op[3] = {0, 0, 0};
  for (const cpu::NodeProfile& p : (*interp)->profile()) {
    const ir::OpType op = graph.nodes[p.node_index].op;
    const int slot = op == ir::OpType::kConv2d ? 0 : op == ir::OpType::kDepthwiseConv2d ? 1 : 2;
    by_op[slot] += p.total_ms / std::max<int64_t>(1, p.invokes);
  }
  std::printf("    CONV_2D %.3f ms, DEPTHWISE_CONV_2D %.3f ms, FULLY_CONNECTED %.3f ms (mean)\n",
              by_op[0], by_op[1], by_op[2]);

#ifdef VKD_QUANT_BENCH_WITH_TFLITE
  auto bytes = writer::SerializeGraph(graph);
  if (!bytes.ok()) return 1;
  TfLiteRunOptions to;
  to.num_threads = threads;
  auto runner = TfLiteRunner::Create(*bytes, to);
  if (!runner.ok()) {
    std::fprintf(stderr, "vkd-quant-conv-bench: TFLite: %s\n", runner.status().message().c_str());
    return 1;
  }
  for (int i = 0; i < (*runner)->num_inputs(); ++i) {
    HostTensor t = RandomTensor(type, (*runner)->InputSpec(i).shape, 1, 0, 255);
    if (!(*runner)->SetInput(i, t).ok()) return 1;
  }
  std::vector<double> tms;
  for (int r = 0; r <= runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    if (!(*runner)->Invoke().ok()) return 1;
    const std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - start;
    if (r > 0) tms.push_back(d.count());
  }
  std::printf("  TFLite 2.9       median %8.3f ms (builtin kernels, XNNPACK off)\n", Median(tms));
#endif
  return 0;
}

}  // namespace
}  // namespace vkd::tools

int main(int argc, char** argv) { return vkd::tools::Run(argc, argv); }
