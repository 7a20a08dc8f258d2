// The reader against good, truncated, corrupt and malicious models: every bad
// file must give a Status naming what is wrong and where, never a crash.
#include "model/reader/model_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>

#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"
#include "schema/tflite_model_generated.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;

// input [1,4,4,2] -> CONV_2D(3x3, 3 filters, bias) -> RELU6 -> output
ir::Graph SmallConvGraph() {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 4, 4, 2}, "in");
  b.SetShapeSignature(in, {-1, 4, 4, 2});
  std::vector<float> w(3 * 3 * 3 * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.01f * static_cast<float>(i);
  int filter = b.AddConstant<float>({3, 3, 3, 2}, w, "filter");
  int bias = b.AddConstant<float>({3}, {0.5f, -0.5f, 0.25f}, "bias");
  int conv = b.AddTensor(DataType::kFloat32, {1, 4, 4, 3}, "conv");
  ir::Conv2DOptions o;
  o.stride_w = o.stride_h = 1;
  o.activation = ir::Activation::kRelu6;
  b.AddNode(OpType::kConv2d, {in, filter, bias}, {conv}, o);
  b.MarkOutput(conv);
  return b.Build();
}

std::vector<uint8_t> Bytes(const ir::Graph& g) {
  auto bytes = writer::SerializeGraph(g);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return *bytes;
}

TEST(ModelReader, RoundTripKeepsEverything) {
  ir::Graph g = SmallConvGraph();
  auto m = reader::ReadModelFromBytes(Bytes(g));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const ir::Graph& r = m->graph;
  ASSERT_EQ(r.tensors.size(), g.tensors.size());
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].op, OpType::kConv2d);
  const auto* o = std::get_if<ir::Conv2DOptions>(&r.nodes[0].options);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->activation, ir::Activation::kRelu6);
  EXPECT_EQ(o->padding, ir::Padding::kSame);
  EXPECT_EQ(r.tensors[0].shape_signature, (ir::Shape{-1, 4, 4, 2}));
  EXPECT_EQ(r.tensors[1].name, "filter");
  ASSERT_TRUE(r.tensors[1].is_constant());
  EXPECT_EQ(r.tensors[1].const_data<float>()[5], 0.01f * 5.0f);  // bit-exact copy
  EXPECT_EQ(reinterpret_cast<uintptr_t>(r.tensors[1].data) % 16, 0u)
      << "constants must be aligned in place";
  EXPECT_EQ(r.inputs, g.inputs);
  EXPECT_EQ(r.outputs, g.outputs);
}

TEST(ModelReader, ConstantsAreNotCopied) {
  auto owner = std::make_shared<std::vector<uint8_t>>(Bytes(SmallConvGraph()));
  auto m = reader::ReadModelFromBuffer(owner, owner->data(), owner->size());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const uint8_t* p = m->graph.tensors[1].data;
  EXPECT_GE(p, owner->data());
  EXPECT_LT(p, owner->data() + owner->size());
}

TEST(ModelReader, EveryTruncationFailsCleanly) {
  const std::vector<uint8_t> good = Bytes(SmallConvGraph());
  for (size_t len = 0; len < good.size(); len += 7) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + len);
    auto m = reader::ReadModelFromBytes(cut);
    EXPECT_FALSE(m.ok()) << "truncated to " << len << " bytes was accepted";
  }
}

TEST(ModelReader, RandomCorruptionNeverCrashes) {
  const std::vector<uint8_t> good = Bytes(SmallConvGraph());
  std::mt19937 rng(42);
  int rejected = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> bad = good;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f)
      bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    auto m = reader::ReadModelFromBytes(bad);
    if (!m.ok()) {
      ++rejected;
      EXPECT_FALSE(m.status().message().empty());
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(ModelReader, NotAModel) {
  std::vector<uint8_t> junk(256, 0x41);
  auto m = reader::ReadModelFromBytes(junk);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("TFL3"), std::string::npos) << m.status().message();
}

TEST(ModelReader, MissingFileNamesThePath) {
  auto m = reader::ReadModelFile("/nonexistent/model.tflite");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("/nonexistent/model.tflite"), std::string::npos);
}

TEST(ModelReader, OutOfRangeTensorIndexNamesTheNode) {
  ir::Graph bad = SmallConvGraph();
  bad.nodes[0].inputs[1] = 99;
  EXPECT_FALSE(writer::SerializeGraph(bad).ok()) << "the writer must refuse it too";
  // Build the bad file by patching a valid one: find the operator's input
  // vector [0, 1, 2] (length 3, then three little-endian int32s).
  std::vector<uint8_t> b = Bytes(SmallConvGraph());
  const uint8_t pattern[] = {3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
  auto it = std::search(b.begin(), b.end(), std::begin(pattern), std::end(pattern));
  ASSERT_NE(it, b.end());
  *(it + 8) = 77;  // input 1 -> tensor 77
  auto m = reader::ReadModelFromBytes(b);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(m.status().message().find("node 0 CONV_2D"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("77"), std::string::npos) << m.status().message();
}

TEST(ModelReader, ConstantOfWrongSizeNamesTheTensor) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 4}, "in");
  int bias = b.AddConstantBytes(DataType::kFloat32, {4}, std::vector<uint8_t>(12),
                                "short_bias");  // 3 floats for 4
  int out = b.AddTensor(DataType::kFloat32, {1, 4}, "out");
  b.AddNode(OpType::kAdd, {in, bias}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto m = reader::ReadModelFromBytes(Bytes(b.Build()));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(m.status().message().find("short_bias"), std::string::npos) << m.status().message();
}

// A constant whose dimensions multiply past 64 bits (the fuzzer's ~880-byte
// crash had a product that wrapped to its data size and passed the size
// check): the element count is checked before any size is derived from it.
TEST(ModelReader, ShapeWhoseElementCountWrapsIsRejected) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {4}, "in");
  // 65536^4 * 4 = 2^66: wraps int64.
  int c = b.AddConstantBytes(DataType::kFloat32, {65536, 65536, 65536, 65536, 4},
                             std::vector<uint8_t>(16), "wrapping_const");
  int out = b.AddTensor(DataType::kFloat32, {4}, "out");
  b.AddNode(OpType::kAdd, {in, c}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto m = reader::ReadModelFromBytes(Bytes(b.Build()));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(m.status().message().find("wrapping_const"), std::string::npos) << m.status().message();
  int64_t n = 0;
  EXPECT_FALSE(ir::CheckedNumElements({65536, 65536, 65536, 65536, 4}, &n));
  EXPECT_FALSE(ir::CheckedNumElements({2, -1}, &n));
  EXPECT_TRUE(ir::CheckedNumElements({1, 224, 224, 3}, &n));
  EXPECT_EQ(n, 150528);
  EXPECT_TRUE(ir::CheckedNumElements({}, &n));
  EXPECT_EQ(n, 1);
}

// Large models keep buffers outside the flatbuffer (Buffer.offset/size); an
// offset or size past the end of the file must be caught, not read.
std::vector<uint8_t> ModelWithExternalBuffer(
    uint64_t offset, uint64_t size, vkd::tfl::TensorType w_type = vkd::tfl::TensorType::FLOAT32) {
  namespace tfl = vkd::tfl;
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers = {tfl::CreateBuffer(fbb),
                                                           tfl::CreateBuffer(fbb, 0, offset, size)};
  std::vector<int32_t> shape = {4};
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors = {
      tfl::CreateTensor(fbb, fbb.CreateVector(shape), tfl::TensorType::FLOAT32, 0,
                        fbb.CreateString("in")),
      tfl::CreateTensor(fbb, fbb.CreateVector(shape), w_type, 1, fbb.CreateString("big_w")),
      tfl::CreateTensor(fbb, fbb.CreateVector(shape), tfl::TensorType::FLOAT32, 0,
                        fbb.CreateString("out"))};
  std::vector<int32_t> ins = {0, 1}, outs = {2}, graph_in = {0};
  auto op = tfl::CreateOperator(fbb, 0, fbb.CreateVector(ins), fbb.CreateVector(outs));
  auto code = tfl::CreateOperatorCode(fbb, 0, 0, 1, tfl::BuiltinOperator::ADD);
  auto sg = tfl::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(graph_in),
                                fbb.CreateVector(outs), fbb.CreateVector(&op, 1));
  auto model = tfl::CreateModel(fbb, 3, fbb.CreateVector(&code, 1), fbb.CreateVector(&sg, 1), 0,
                                fbb.CreateVector(buffers));
  tfl::FinishModelBuffer(fbb, model);
  std::vector<uint8_t> bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  return bytes;
}

TEST(ModelReader, ExternalBufferInsideTheFileIsUsedInPlace) {
  // Writing non-default offset/size grows the flatbuffer a little: leave room.
  const uint64_t offset = (ModelWithExternalBuffer(0, 0).size() + 64 + 15) / 16 * 16;
  std::vector<uint8_t> bytes = ModelWithExternalBuffer(offset, 16);
  ASSERT_LE(bytes.size(), offset);
  bytes.resize(offset + 16, 0);
  const float w[4] = {1, 2, 3, 4};
  std::memcpy(bytes.data() + offset, w, 16);
  auto m = reader::ReadModelFromBytes(bytes);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_TRUE(m->graph.tensors[1].is_constant());
  EXPECT_EQ(m->graph.tensors[1].const_data<float>()[3], 4.0f);
}

TEST(ModelReader, ExternalBufferPastTheEndNamesTheTensor) {
  auto m = reader::ReadModelFromBytes(ModelWithExternalBuffer(1u << 30, 16));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(m.status().message().find("'big_w'"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("past the end"), std::string::npos) << m.status().message();
}

TEST(ModelReader, UnsupportedTensorTypeNamesTheTensor) {
  auto m = reader::ReadModelFromBytes(
      ModelWithExternalBuffer(0, 0, static_cast<vkd::tfl::TensorType>(17)));  // INT4
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(m.status().message().find("tensor 1 'big_w'"), std::string::npos)
      << m.status().message();
}

TEST(ModelReader, ReadBeforeWriteIsRejected) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {4}, "in");
  int mid = b.AddTensor(DataType::kFloat32, {4}, "mid");
  int out = b.AddTensor(DataType::kFloat32, {4}, "out");
  b.AddNode(OpType::kAdd, {in, mid}, {out},
            ir::ElementwiseOptions{});  // reads mid before it is written
  b.AddNode(OpType::kRelu, {in}, {mid});
  b.MarkOutput(out);
  auto m = reader::ReadModelFromBytes(Bytes(b.Build()));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("node 0 ADD"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("'mid'"), std::string::npos) << m.status().message();
}

TEST(ModelReader, LargeOpCodesUseTheNewField) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {4}, "in");
  int out = b.AddTensor(DataType::kFloat32, {4}, "out");
  b.AddNode(OpType::kGelu, {in}, {out});  // code 150 > 127
  b.MarkOutput(out);
  auto m = reader::ReadModelFromBytes(Bytes(b.Build()));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->graph.nodes[0].op, OpType::kGelu);
}

#ifdef VKD_SHARED_DIR
TEST(ModelReader, ReadsEverySharedModel) {
  const char* names[] = {"vww_96_float",
                         "pretrainedResnet",
                         "kws_ref_model_float32",
                         "ad01_fp32",
                         "mobilenet_v2_1.0_224",
                         "mobilenet_v2_1.0_224_quant",
                         "deeplabv3_mnv2_dm05_pascal_quant",
                         "movenet_single_pose_lightning_ptq",
                         "tf2_mobilenet_v2_1.0_224_ptq"};
  const std::string dir = std::string(VKD_SHARED_DIR) + "/models/";
  if (!std::ifstream(dir + "vww_96_float.tflite")) GTEST_SKIP() << "../shared/models not present";
  for (const char* n : names) {
    auto m = reader::ReadModelFile(dir + n + ".tflite");
    ASSERT_TRUE(m.ok()) << n << ": " << m.status().ToString();
    EXPECT_FALSE(m->graph.nodes.empty()) << n;
  }
}
#endif

}  // namespace
}  // namespace vkd
