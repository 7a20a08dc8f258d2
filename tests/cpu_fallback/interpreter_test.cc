// The CPU interpreter's life cycle and error paths, on graphs built in code.
#include "cpu_fallback/interpreter.h"

#include <gtest/gtest.h>

#include <cstring>

#include "model/writer/graph_builder.h"

namespace vkd::cpu {
namespace {

using ir::DataType;
using ir::OpType;

// in -> ADD(in, in) -> RELU -> ADD(relu, in) -> out, with a dynamic batch.
ir::Graph ChainGraph(int length = 3) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 8}, "in");
  b.SetShapeSignature(in, {-1, 8});
  int x = in;
  for (int i = 0; i < length; ++i) {
    int y = b.AddTensor(DataType::kFloat32, {1, 8}, "add" + std::to_string(i));
    b.AddNode(OpType::kAdd, {x, in}, {y}, ir::ElementwiseOptions{});
    int z = b.AddTensor(DataType::kFloat32, {1, 8}, "relu" + std::to_string(i));
    b.AddNode(OpType::kRelu, {y}, {z});
    x = z;
  }
  b.MarkOutput(x);
  return b.Build();
}

TEST(Interpreter, RunsAChainAndReusesMemory) {
  auto interp = Interpreter::Create(ChainGraph(6), {});
  ASSERT_TRUE(interp.ok()) << interp.status().ToString();
  ASSERT_TRUE((*interp)->AllocateTensors().ok());
  float in[8] = {-2, -1, 0, 1, 2, 3, -3, 0.5f};
  std::memcpy((*interp)->input_data(0), in, sizeof(in));
  for (int repeat = 0; repeat < 3; ++repeat) {
    ASSERT_TRUE((*interp)->Invoke().ok());
    const float* out = reinterpret_cast<const float*>((*interp)->output_data(0));
    for (int i = 0; i < 8; ++i) {
      // x_{k+1} = relu(x_k + in), x_0 = in.
      float x = in[i];
      for (int k = 0; k < 6; ++k) x = std::max(0.0f, x + in[i]);
      EXPECT_FLOAT_EQ(out[i], x) << "element " << i << " repeat " << repeat;
    }
  }
  // 13 float[8] tensors, but a chain needs only a few alive at once.
  EXPECT_LE((*interp)->arena_bytes(), 6u * 64u);
}

TEST(Interpreter, ResizeDynamicBatch) {
  auto interp = Interpreter::Create(ChainGraph(), {});
  ASSERT_TRUE(interp.ok());
  ASSERT_TRUE((*interp)->ResizeInput(0, {4, 8}).ok());
  EXPECT_FALSE((*interp)->Invoke().ok()) << "Invoke after a resize needs AllocateTensors";
  ASSERT_TRUE((*interp)->AllocateTensors().ok());
  EXPECT_EQ((*interp)->output_tensor(0).shape, (ir::Shape{4, 8}));
  EXPECT_TRUE((*interp)->Invoke().ok());
  Status bad = (*interp)->ResizeInput(0, {4, 9});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'in'"), std::string::npos) << bad.message();
  EXPECT_FALSE((*interp)->ResizeInput(3, {1, 8}).ok());
}

TEST(Interpreter, FoldsNodesWhoseInputsAreConstant) {
  // DEQUANTIZE(int8 constant) -> ADD(input, dequantized): the DEQUANTIZE runs
  // once at AllocateTensors and never again.
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {4}, "in");
  ir::Quantization q;
  q.scale = {0.5f};
  q.zero_point = {1};
  int w = b.AddConstant<int8_t>({4}, {-3, 1, 5, 127}, "w_int8", q);
  int deq = b.AddTensor(DataType::kFloat32, {4}, "w");
  b.AddNode(OpType::kDequantize, {w}, {deq});
  int out = b.AddTensor(DataType::kFloat32, {4}, "out");
  b.AddNode(OpType::kAdd, {in, deq}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto interp = Interpreter::Create(b.Build(), {});
  ASSERT_TRUE(interp.ok());
  ASSERT_TRUE((*interp)->AllocateTensors().ok());
  EXPECT_EQ((*interp)->num_folded_nodes(), 1);
  EXPECT_TRUE((*interp)->is_folded(0));
  EXPECT_TRUE((*interp)->tensor(deq).is_constant());
  const float x[4] = {1, 2, 3, 4};
  std::memcpy((*interp)->input_data(0), x, sizeof(x));
  ASSERT_TRUE((*interp)->Invoke().ok());
  const float* o = reinterpret_cast<const float*>((*interp)->output_data(0));
  const float expect[4] = {1 + 0.5f * (-4), 2 + 0.5f * 0, 3 + 0.5f * 4, 4 + 0.5f * 126};
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(o[i], expect[i]) << i;
  // A second allocation keeps the folded constant valid.
  ASSERT_TRUE((*interp)->AllocateTensors().ok());
  std::memcpy((*interp)->input_data(0), x, sizeof(x));
  ASSERT_TRUE((*interp)->Invoke().ok());
  o = reinterpret_cast<const float*>((*interp)->output_data(0));
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(o[i], expect[i]) << i;
}

TEST(Interpreter, InvokeBeforeAllocateFails) {
  auto interp = Interpreter::Create(ChainGraph(), {});
  ASSERT_TRUE(interp.ok());
  EXPECT_FALSE((*interp)->Invoke().ok());
}

TEST(Interpreter, UnsupportedOpNamesTheNode) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {4}, "in");
  int mid = b.AddTensor(DataType::kFloat32, {4}, "mid");
  int out = b.AddTensor(DataType::kFloat32, {4}, "out");
  b.AddNode(OpType::kRelu, {in}, {mid});
  b.AddNode(OpType::kRfft2d, {mid}, {out});
  b.MarkOutput(out);
  auto interp = Interpreter::Create(b.Build(), {});
  ASSERT_FALSE(interp.ok());
  EXPECT_EQ(interp.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(interp.status().message().find("node 1 RFFT2D"), std::string::npos)
      << interp.status().message();
}

TEST(Interpreter, BadShapeNamesTheNode) {
  writer::GraphBuilder b;
  int a = b.AddInput(DataType::kFloat32, {2, 3}, "a");
  int c = b.AddInput(DataType::kFloat32, {4, 3}, "c");
  int out = b.AddTensor(DataType::kFloat32, {4, 3}, "out");
  b.AddNode(OpType::kAdd, {a, c}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto interp = Interpreter::Create(b.Build(), {});
  ASSERT_TRUE(interp.ok());
  Status s = (*interp)->AllocateTensors();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("node 0 ADD"), std::string::npos) << s.message();
}

TEST(Interpreter, RejectsBadThreadCount) {
  InterpreterOptions o;
  o.num_threads = 0;
  EXPECT_FALSE(Interpreter::Create(ChainGraph(), o).ok());
}

TEST(ThreadPool, CoversTheRangeOnce) {
  ThreadPool pool(3);
  std::vector<int> hits(1000, 0);
  for (int round = 0; round < 20; ++round) {
    pool.ParallelFor(1000, 10, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) ++hits[i];
    });
  }
  for (int h : hits) EXPECT_EQ(h, 20);
}

}  // namespace
}  // namespace vkd::cpu

namespace vkd::cpu {
namespace {

// A model may declare activations of any size (a 328-byte model declared
// 2^31-element ones and drove a run into the OOM killer): the arena is
// checked against the memory budget before anything is allocated, and the
// error gives the figure and the limit.
TEST(InterpreterMemoryBudget, HugeActivationsFailAtAllocateTensors) {
  writer::GraphBuilder b;
  const ir::Shape huge = {65536, 65536, 16};  // 2^36 floats = 256 GiB
  int in = b.AddInput(DataType::kFloat32, huge, "huge_in");
  int out = b.AddTensor(DataType::kFloat32, huge, "huge_out");
  b.AddNode(OpType::kAdd, {in, in}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto interp = Interpreter::Create(b.Build(), {});
  ASSERT_TRUE(interp.ok()) << interp.status().ToString();
  Status s = (*interp)->AllocateTensors();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("over the memory budget"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("MiB"), std::string::npos) << s.message();
}

TEST(InterpreterMemoryBudget, ExplicitBudgetIsHonoured) {
  InterpreterOptions small;
  small.memory_budget_bytes = 16;  // the chain needs more than 16 bytes
  auto interp = Interpreter::Create(ChainGraph(2), small);
  ASSERT_TRUE(interp.ok());
  Status s = (*interp)->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  InterpreterOptions enough;
  enough.memory_budget_bytes = 1 << 20;
  interp = Interpreter::Create(ChainGraph(2), enough);
  ASSERT_TRUE(interp.ok());
  EXPECT_TRUE((*interp)->AllocateTensors().ok());
}

}  // namespace
}  // namespace vkd::cpu

namespace vkd::cpu {
namespace {

// Found by fuzz_model: a convolution whose offset tables (one entry per
// output pixel and tap) came to 28 GB from a few-KB model. Kernel scratch
// counts against the memory budget like the arena does.
TEST(InterpreterMemoryBudget, ConvolutionScratchCountsAgainstTheBudget) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 200, 200, 1}, "in");
  int w = b.AddConstant<float>({1, 64, 64, 1}, std::vector<float>(64 * 64, 0.01f), "big_taps");
  int out = b.AddTensor(DataType::kFloat32, {1, 200, 200, 1}, "out");
  b.AddNode(OpType::kConv2d, {in, w, ir::kNoTensor}, {out}, ir::Conv2DOptions{});
  b.MarkOutput(out);
  InterpreterOptions o;
  o.memory_budget_bytes = 64u << 20;
  auto interp = Interpreter::Create(b.Build(), o);
  ASSERT_TRUE(interp.ok());
  Status s = (*interp)->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_NE(s.message().find("offset tables"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("node 0 CONV_2D"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vkd::cpu
