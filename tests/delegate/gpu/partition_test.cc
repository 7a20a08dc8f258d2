// Whole-model behaviour of the GPU path through ModelRunner: graphs split
// between GPU partitions and the CPU interpreter (and the partition options),
// constant DEQUANTIZEs across partitions, fp16 precision error, input
// resizing that re-plans a partition, and two runners on one GPU context.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/host_tensor.h"
#include "delegate/gpu/gpu_context.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

struct T {
  int id;
  Shape shape;
};

T Input(writer::GraphBuilder& b, const Shape& s) { return {b.AddInput(DataType::kFloat32, s), s}; }

T Conv(writer::GraphBuilder& b, const T& in, int cout, int k, Activation act, uint32_t seed,
       int filter = -1) {
  const int cin = in.shape[3];
  if (filter < 0) {
    filter = b.AddConstant<float>({cout, k, k, cin},
                                  test::RandomFloats(size_t{1} * cout * k * k * cin, seed));
  }
  const int bias = b.AddConstant<float>({cout}, test::RandomFloats(cout, seed + 1));
  const Shape s = {in.shape[0], in.shape[1], in.shape[2], cout};
  const int out = b.AddTensor(DataType::kFloat32, s);
  ir::Conv2DOptions o;
  o.activation = act;
  b.AddNode(OpType::kConv2d, {in.id, filter, bias}, {out}, o, 2);
  return {out, s};
}

T Depthwise(writer::GraphBuilder& b, const T& in, Activation act, uint32_t seed) {
  const int c = in.shape[3];
  const int filter = b.AddConstant<float>({1, 3, 3, c}, test::RandomFloats(size_t{9} * c, seed));
  const int bias = b.AddConstant<float>({c}, test::RandomFloats(c, seed + 1));
  const int out = b.AddTensor(DataType::kFloat32, in.shape);
  ir::DepthwiseConv2DOptions o;
  o.activation = act;
  b.AddNode(OpType::kDepthwiseConv2d, {in.id, filter, bias}, {out}, o, 2);
  return {out, in.shape};
}

T Binary(writer::GraphBuilder& b, OpType op, const T& x, const T& y) {
  const Shape& s = x.shape.size() >= y.shape.size() ? x.shape : y.shape;
  Shape out_shape = s;
  for (size_t i = 0; i < out_shape.size(); ++i) {
    const size_t from_end = out_shape.size() - 1 - i;
    const int32_t dx = from_end < x.shape.size() ? x.shape[x.shape.size() - 1 - from_end] : 1;
    const int32_t dy = from_end < y.shape.size() ? y.shape[y.shape.size() - 1 - from_end] : 1;
    out_shape[i] = dx == 1 ? dy : dx;
  }
  const int out = b.AddTensor(DataType::kFloat32, out_shape);
  b.AddNode(op, {x.id, y.id}, {out}, ir::ElementwiseOptions{}, 1);
  return {out, out_shape};
}

// REDUCE SUM over channels, keep_dims: a CPU-only op (the GPU has spatial
// MEAN only) whose result broadcasts back against its input.
T ChannelSum(writer::GraphBuilder& b, const T& x) {
  const int axes = b.AddConstant<int32_t>({1}, {3}, "axes");
  const Shape s = {x.shape[0], x.shape[1], x.shape[2], 1};
  const int out = b.AddTensor(DataType::kFloat32, s);
  b.AddNode(OpType::kSum, {x.id, axes}, {out}, ir::ReducerOptions{true}, 1);
  return {out, s};
}

// GPU [conv, MUL] -> CPU SUM -> GPU [ADD, conv] -> CPU SUM -> GPU [MUL].
ir::Graph MixedGraph() {
  writer::GraphBuilder b;
  const T x = Input(b, {1, 6, 7, 8});
  const T a = Conv(b, x, 8, 3, Activation::kRelu, 1);
  const T a2 = Binary(b, OpType::kMul, a,
                      {b.AddConstant<float>({8}, test::RandomFloats(8, 3, 0.1f, 0.5f)), Shape{8}});
  const T s = ChannelSum(b, a2);
  const T c = Binary(b, OpType::kAdd, a2, s);
  const T d = Conv(b, c, 5, 1, Activation::kNone, 4);
  const T s2 = ChannelSum(b, d);
  const T e = Binary(b, OpType::kMul, d, s2);
  b.MarkOutput(e.id);
  return b.Build();
}

struct PartitionCase {
  int min_nodes = 1, max_partitions = 0;
  int partitions, gpu_nodes;
};

TEST(GpuPartitionTest, GpuCpuGpuAndOptions) {
  VKD_REQUIRE_GPU();
  const ir::Graph g = MixedGraph();
  const PartitionCase cases[] = {
      {1, 0, 3, 5},  // every GPU run: [conv, MUL], [ADD, conv], [MUL]
      {2, 0, 2, 4},  // the single MUL stays on the CPU
      {3, 0, 0, 0},  // no run is large enough: all on the CPU
      {1, 1, 1, 2},  // the largest run only (the first of the two of size 2)
      {1, 2, 2, 4},
  };
  for (const PartitionCase& c : cases) {
    test::CompareOptions o;
    o.allow_cpu_nodes = true;
    o.partitioning.min_nodes_per_partition = c.min_nodes;
    o.partitioning.max_partitions = c.max_partitions;
    o.label = "min_nodes " + std::to_string(c.min_nodes) + " max_partitions " +
              std::to_string(c.max_partitions);
    test::CompareReport report;
    EXPECT_TRUE(test::GpuMatchesTfLite(g, o, test::kGpuFp32Tolerance, &report));
    EXPECT_EQ(report.partitions, c.partitions) << o.label;
    EXPECT_EQ(report.gpu_nodes, c.gpu_nodes) << o.label;
  }
}

// Serialized and read back, as a user's model arrives.
ir::Graph RoundTrip(const ir::Graph& g) {
  auto bytes = writer::SerializeGraph(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto model = reader::ReadModelFromBytes(*bytes);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model->graph;
}

std::unique_ptr<ModelRunner> MakeRunner(const ir::Graph& g, bool gpu,
                                        const partition::PartitionOptions& po = {}) {
  RunnerOptions ro;
  ro.use_gpu = gpu;
  ro.warn_on_fallback = false;
  ro.partition = po;
  if (gpu) ro.shared_context = test::SharedGpuContext();
  auto r = ModelRunner::Create(RoundTrip(g), ro);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

void FillInputs(ModelRunner& r, uint32_t seed) {
  for (int i = 0; i < r.num_inputs(); ++i) {
    const ir::Tensor& t = r.input_tensor(i);
    const tools::HostTensor v = tools::RandomTensor(t.type, t.shape, seed + 7919u * i);
    std::memcpy(r.input_data(i), v.bytes.data(), v.bytes.size());
  }
}

std::vector<float> Output(const ModelRunner& r, int i) {
  const float* p = reinterpret_cast<const float*>(r.output_data(i));
  return std::vector<float>(p, p + ir::NumElements(r.output_tensor(i).shape));
}

double MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    m = std::max(m,
                 std::isnan(a[i]) || std::isnan(b[i]) ? INFINITY : std::fabs(double{a[i]} - b[i]));
  }
  return m;
}

double MaxAbs(const std::vector<float>& a) {
  double m = 0;
  for (float v : a) m = std::max(m, std::fabs(double{v}));
  return m;
}

// fp16 models in the wild: every weight an fp16 constant behind a
// DEQUANTIZE, all of them at the start of the graph. With a CPU op in the
// middle, the DEQUANTIZE of a later conv's weights must still land in that
// conv's partition (folded there), not in the first one.
TEST(GpuPartitionTest, Fp16ModelDequantizesAcrossPartitions) {
  VKD_REQUIRE_GPU();
  writer::GraphBuilder b;
  auto half_weights = [&](const Shape& s, uint32_t seed) {
    const std::vector<float> f = test::RandomFloats(ir::NumElements(s), seed);
    std::vector<uint8_t> bytes(f.size() * 2);
    for (size_t i = 0; i < f.size(); ++i) {
      // fp16 of values in [-1, 1]: drop mantissa bits (truncation is a valid
      // fp16 value too; both sides dequantize the same bits).
      uint32_t u;
      std::memcpy(&u, &f[i], 4);
      const int32_t e = static_cast<int32_t>((u >> 23) & 0xff) - 127 + 15;
      const uint16_t h =
          e <= 0
              ? 0
              : static_cast<uint16_t>(((u >> 16) & 0x8000u) | (e << 10) | ((u & 0x7fffffu) >> 13));
      std::memcpy(&bytes[i * 2], &h, 2);
    }
    const int q = b.AddConstantBytes(DataType::kFloat16, s, std::move(bytes));
    const int out = b.AddTensor(DataType::kFloat32, s);
    b.AddNode(OpType::kDequantize, {q}, {out}, {}, 3);
    return out;
  };
  const T x = Input(b, {1, 6, 5, 4});
  const int w1 = half_weights({8, 3, 3, 4}, 10);
  const int w2 = half_weights({6, 1, 1, 8}, 11);
  const T a = Conv(b, x, 8, 3, Activation::kRelu, 12, w1);
  const T s = ChannelSum(b, a);
  const T c = Binary(b, OpType::kAdd, a, s);
  const T d = Conv(b, c, 6, 1, Activation::kNone, 13, w2);
  b.MarkOutput(d.id);
  test::CompareOptions o;
  o.allow_cpu_nodes = true;
  o.label = "fp16 weights, DEQUANTIZE first, CPU SUM in the middle";
  test::CompareReport report;
  EXPECT_TRUE(test::GpuMatchesTfLite(b.Build(), o, test::kGpuFp32Tolerance, &report));
  EXPECT_EQ(report.partitions, 2);
  EXPECT_EQ(report.gpu_nodes, 5);   // both DEQUANTIZEs, both convs, the ADD
  EXPECT_EQ(report.dispatches, 3);  // conv | ADD, conv
}

TEST(GpuPartitionTest, Fp16ConvChainError) {
  VKD_REQUIRE_GPU();
  auto ctx = test::SharedGpuContext(/*fp16=*/true);
  if (!ctx) GTEST_SKIP() << "no fp16 GPU context";
  const bool fp16 = ctx->precision() == shaders::Precision::kFp16;
  // A MobileNet-like chain: conv s1, depthwise, pointwise, residual ADD, pool.
  writer::GraphBuilder b;
  const T x = Input(b, {1, 16, 16, 8});
  const T a = Conv(b, x, 16, 3, Activation::kRelu6, 20);
  const T d = Depthwise(b, a, Activation::kRelu6, 22);
  const T p = Conv(b, d, 8, 1, Activation::kNone, 24);
  const T r = Binary(b, OpType::kAdd, p, x);
  const T c = Conv(b, r, 12, 3, Activation::kRelu, 26);
  b.MarkOutput(c.id);
  test::CompareOptions o;
  o.fp16 = true;
  o.label = "fp16 conv chain";
  test::CompareReport report;
  // Loose bound: fp16 storage and arithmetic over 5 layers.
  EXPECT_TRUE(test::GpuMatchesTfLite(b.Build(), o, 1e-2, &report));
  const double rel = report.max_abs_error / std::max(1.0, report.max_abs_reference);
  std::printf(
      "fp16 (%s on this device) conv chain: max |gpu - tflite| = %.3g, max |tflite| = %.3g, "
      "relative %.3g\n",
      fp16 ? "fp16" : "fp32 fallback", report.max_abs_error, report.max_abs_reference, rel);
  RecordProperty("fp16_max_abs_error", std::to_string(report.max_abs_error));
  RecordProperty("fp16_relative_error", std::to_string(rel));
  if (fp16) {
    EXPECT_GT(report.max_abs_error, 0.0) << "fp16 path looks like fp32";
  }
}

ir::Graph DynamicBatchGraph() {
  writer::GraphBuilder b;
  const T x = Input(b, {1, 7, 6, 8});
  b.SetShapeSignature(x.id, {-1, 7, 6, 8});
  const T a = Conv(b, x, 12, 1, Activation::kRelu6, 30);
  const T d = Depthwise(b, a, Activation::kRelu6, 32);
  const T p = Conv(b, d, 8, 1, Activation::kNone, 34);
  const T r = Binary(b, OpType::kAdd, p, x);
  const T s =
      Binary(b, OpType::kMul, r, {b.AddConstant<float>({8}, test::RandomFloats(8, 36)), Shape{8}});
  b.MarkOutput(s.id);
  return b.Build();
}

TEST(GpuPartitionTest, ResizeInputReplans) {
  VKD_REQUIRE_GPU();
  const ir::Graph g = DynamicBatchGraph();
  auto gpu = MakeRunner(g, true);
  auto cpu = MakeRunner(g, false);
  ASSERT_TRUE(gpu && cpu);
  ASSERT_TRUE(gpu->AllocateTensors().ok());
  ASSERT_TRUE(cpu->AllocateTensors().ok());
  ASSERT_TRUE(gpu->gpu_active()) << gpu->gpu_fallback_reason();
  ASSERT_EQ(gpu->partitions().size(), 1u);
  for (int batch : {1, 3, 2}) {
    if (batch != 1) {
      ASSERT_TRUE(gpu->ResizeInput(0, {batch, 7, 6, 8}).ok());
      ASSERT_TRUE(cpu->ResizeInput(0, {batch, 7, 6, 8}).ok());
      ASSERT_TRUE(gpu->AllocateTensors().ok());
      ASSERT_TRUE(cpu->AllocateTensors().ok());
    }
    ASSERT_TRUE(gpu->gpu_active()) << gpu->gpu_fallback_reason();
    FillInputs(*gpu, 40 + batch);
    FillInputs(*cpu, 40 + batch);
    ASSERT_TRUE(gpu->Invoke().ok());
    ASSERT_TRUE(cpu->Invoke().ok());
    const Shape expected = {batch, 7, 6, 8};
    EXPECT_EQ(gpu->output_tensor(0).shape, expected);
    // The partition was re-planned for the new batch.
    const gpu_delegate::Program& prog = gpu->partitions()[0]->program();
    EXPECT_EQ(prog.tensors[prog.outputs[0]].dims.b, batch);
    const std::vector<float> ours = Output(*gpu, 0), theirs = Output(*cpu, 0);
    EXPECT_LE(MaxAbsDiff(ours, theirs), test::kGpuFp32Tolerance * std::max(1.0, MaxAbs(theirs)))
        << "batch " << batch;
  }
}

TEST(GpuPartitionTest, TwoRunnersShareOneContext) {
  VKD_REQUIRE_GPU();
  // Two different models on one device, invoked alternately; each output is
  // read after the other runner has run, so a shared buffer would show.
  const ir::Graph g1 = DynamicBatchGraph(), g2 = MixedGraph();
  auto gpu1 = MakeRunner(g1, true), gpu2 = MakeRunner(g2, true);
  auto cpu1 = MakeRunner(g1, false), cpu2 = MakeRunner(g2, false);
  ASSERT_TRUE(gpu1 && gpu2 && cpu1 && cpu2);
  for (ModelRunner* r : {gpu1.get(), gpu2.get(), cpu1.get(), cpu2.get()}) {
    ASSERT_TRUE(r->AllocateTensors().ok());
  }
  ASSERT_TRUE(gpu1->gpu_active() && gpu2->gpu_active());
  EXPECT_EQ(gpu1->gpu_context(), gpu2->gpu_context());
  for (int round = 0; round < 3; ++round) {
    FillInputs(*gpu1, 50 + round);
    FillInputs(*cpu1, 50 + round);
    ASSERT_TRUE(gpu1->Invoke().ok());
    FillInputs(*gpu2, 60 + round);
    FillInputs(*cpu2, 60 + round);
    ASSERT_TRUE(gpu2->Invoke().ok());
    ASSERT_TRUE(cpu1->Invoke().ok());
    ASSERT_TRUE(cpu2->Invoke().ok());
    const std::vector<float> o1 = Output(*gpu1, 0), r1 = Output(*cpu1, 0);
    const std::vector<float> o2 = Output(*gpu2, 0), r2 = Output(*cpu2, 0);
    EXPECT_LE(MaxAbsDiff(o1, r1), test::kGpuFp32Tolerance * std::max(1.0, MaxAbs(r1)))
        << "round " << round;
    EXPECT_LE(MaxAbsDiff(o2, r2), test::kGpuFp32Tolerance * std::max(1.0, MaxAbs(r2)))
        << "round " << round;
  }
  EXPECT_EQ(test::GpuValidationErrors(), 0) << test::GpuValidationMessages();
}

}  // namespace
}  // namespace vkd
