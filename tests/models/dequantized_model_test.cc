// DequantizeModel (model/transform/dequantize_model.h): tiny quantized
// graphs whose float constants are known exactly, and the float copy of
// mobilenet_v2_1.0_224_quant classifying ../shared's images on vkdelegate's
// CPU interpreter and on TFLite. Also the BMP reader and image preprocessing
// (bench/image.h) the classifier checks depend on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "bench/image.h"
#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "model/reader/model_reader.h"
#include "model/ir/dequantize.h"
#include "model/transform/dequantize_model.h"
#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;

ir::Quantization PerTensor(float scale, int64_t zero_point) {
  ir::Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

ir::Quantization PerChannel(std::vector<float> scales, int32_t dim) {
  ir::Quantization q;
  q.scale = std::move(scales);
  q.zero_point.assign(q.scale.size(), 0);
  q.quantized_dimension = dim;
  return q;
}

std::vector<float> ConstantValues(const ir::Graph& g, int t) {
  const ir::Tensor& tensor = g.tensors[t];
  EXPECT_EQ(tensor.type, DataType::kFloat32) << ir::TensorLabel(g, t);
  EXPECT_TRUE(tensor.quant.empty()) << ir::TensorLabel(g, t);
  EXPECT_EQ(tensor.data_bytes, tensor.num_elements() * sizeof(float)) << ir::TensorLabel(g, t);
  const float* v = tensor.const_data<float>();
  return std::vector<float>(v, v + tensor.num_elements());
}

// Runs a float graph on vkdelegate's CPU interpreter with the given inputs.
StatusOr<std::vector<std::vector<float>>> RunOurs(const ir::Graph& graph,
                                                  const std::vector<std::vector<float>>& inputs) {
  VKD_ASSIGN_OR_RETURN(auto interp, cpu::Interpreter::Create(graph, {}));
  VKD_RETURN_IF_ERROR(interp->AllocateTensors());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (interp->input_tensor(i).bytes() != inputs[i].size() * sizeof(float)) {
      return InvalidArgumentError("input " + std::to_string(i) + " size mismatch");
    }
    std::memcpy(interp->input_data(i), inputs[i].data(), inputs[i].size() * sizeof(float));
  }
  VKD_RETURN_IF_ERROR(interp->Invoke());
  std::vector<std::vector<float>> outputs;
  for (int o = 0; o < interp->num_outputs(); ++o) {
    const float* p = reinterpret_cast<const float*>(interp->output_data(o));
    outputs.emplace_back(p, p + interp->output_tensor(o).num_elements());
  }
  return outputs;
}

// --- Tiny graphs --------------------------------------------------------------

// input u8 [1,2,2,2] -> CONV_2D u8 (per-tensor weights, int32 bias, RELU6)
//   -> QUANTIZE u8->i8 -> CONV_2D i8 (per-channel weights and bias)
//   -> DEQUANTIZE -> float output.
// Power-of-two scales make every dequantized constant exact.
struct TinyQuantModel {
  ir::Graph graph;
  int input, conv1_w, conv1_b, conv1_out, requant, conv2_w, conv2_b, conv2_out, output;
};

TinyQuantModel MakeTinyQuantModel() {
  TinyQuantModel m;
  writer::GraphBuilder b;
  const ir::Quantization in_q = PerTensor(0.5f, 128);
  m.input = b.AddInput(DataType::kUInt8, {1, 2, 2, 2}, "in_u8", in_q);
  // 2 output channels, 1x1 kernel, 2 input channels (OHWI).
  m.conv1_w =
      b.AddConstant<uint8_t>({2, 1, 1, 2}, {100, 104, 96, 101}, "conv1/w", PerTensor(0.25f, 100));
  // TFLite: bias scale = input scale * weight scale = 0.125.
  m.conv1_b = b.AddConstant<int32_t>({2}, {40, -8}, "conv1/b", PerTensor(0.125f, 0));
  m.conv1_out = b.AddTensor(DataType::kUInt8, {1, 2, 2, 2}, "conv1/out", PerTensor(1.0f / 32, 0));
  ir::Conv2DOptions c1;
  c1.activation = ir::Activation::kRelu6;
  b.AddNode(OpType::kConv2d, {m.input, m.conv1_w, m.conv1_b}, {m.conv1_out}, c1);
  m.requant = b.AddTensor(DataType::kInt8, {1, 2, 2, 2}, "requant", PerTensor(1.0f / 32, -128));
  b.AddNode(OpType::kQuantize, {m.conv1_out}, {m.requant});
  // 3 output channels, per-channel along dimension 0; bias scales are the
  // input scale (1/32) times each weight scale, as TFLite requires.
  m.conv2_w = b.AddConstant<int8_t>({3, 1, 1, 2}, {1, -2, 8, 12, -32, 0}, "conv2/w",
                                    PerChannel({0.5f, 0.25f, 0.125f}, 0));
  m.conv2_b = b.AddConstant<int32_t>({3}, {3, -1000, 7}, "conv2/b",
                                     PerChannel({1.0f / 64, 1.0f / 128, 1.0f / 256}, 0));
  m.conv2_out = b.AddTensor(DataType::kInt8, {1, 2, 2, 3}, "conv2/out", PerTensor(0.25f, -3));
  b.AddNode(OpType::kConv2d, {m.requant, m.conv2_w, m.conv2_b}, {m.conv2_out}, ir::Conv2DOptions{},
            3);
  m.output = b.AddTensor(DataType::kFloat32, {1, 2, 2, 3}, "out_f");
  b.AddNode(OpType::kDequantize, {m.conv2_out}, {m.output}, {}, 2);
  b.MarkOutput(m.output);
  m.graph = b.Build();
  return m;
}

TEST(DequantizeModelTest, ConstantsBecomeExactFloats) {
  const TinyQuantModel m = MakeTinyQuantModel();
  auto result = transform::DequantizeModel(m.graph);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const ir::Graph& g = result->graph;

  EXPECT_EQ(ConstantValues(g, m.conv1_w), (std::vector<float>{0.0f, 1.0f, -1.0f, 0.25f}));
  EXPECT_EQ(ConstantValues(g, m.conv1_b), (std::vector<float>{5.0f, -1.0f}));
  // Channel c of [3,1,1,2] is elements 2c and 2c+1.
  EXPECT_EQ(ConstantValues(g, m.conv2_w),
            (std::vector<float>{0.5f, -1.0f, 2.0f, 3.0f, -4.0f, 0.0f}));
  EXPECT_EQ(ConstantValues(g, m.conv2_b), (std::vector<float>{0.046875f, -7.8125f, 0.02734375f}));

  // Activations are float and unquantized; I/O keeps its source description.
  for (int t : {m.input, m.conv1_out, m.requant, m.conv2_out, m.output}) {
    EXPECT_EQ(g.tensors[t].type, DataType::kFloat32) << ir::TensorLabel(g, t);
    EXPECT_TRUE(g.tensors[t].quant.empty()) << ir::TensorLabel(g, t);
  }
  ASSERT_EQ(result->input_types, std::vector<DataType>{DataType::kUInt8});
  ASSERT_EQ(result->input_quant.size(), 1u);
  EXPECT_EQ(result->input_quant[0].scale, std::vector<float>{0.5f});
  EXPECT_EQ(result->input_quant[0].zero_point, std::vector<int64_t>{128});
  EXPECT_EQ(result->output_types, std::vector<DataType>{DataType::kFloat32});
  EXPECT_TRUE(result->output_quant[0].empty());

  // QUANTIZE is gone (conv2 reads conv1's output); DEQUANTIZE is gone and
  // conv2 writes the graph output, whose id is kept.
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].op, OpType::kConv2d);
  EXPECT_EQ(g.nodes[1].op, OpType::kConv2d);
  EXPECT_EQ(g.nodes[1].inputs[0], m.conv1_out);
  EXPECT_EQ(g.nodes[1].outputs, std::vector<int32_t>{m.output});
  EXPECT_EQ(g.inputs, std::vector<int32_t>{m.input});
  EXPECT_EQ(g.outputs, std::vector<int32_t>{m.output});
  // The source graph is untouched.
  EXPECT_EQ(m.graph.tensors[m.conv1_w].type, DataType::kUInt8);
  EXPECT_EQ(m.graph.nodes.size(), 4u);
}

TEST(DequantizeModelTest, TinyModelMatchesTfLiteQuantized) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const TinyQuantModel m = MakeTinyQuantModel();
  auto result = transform::DequantizeModel(m.graph);
  ASSERT_TRUE(result.ok()) << result.status().ToString();

  const std::vector<uint8_t> q_in = {128, 130, 120, 140, 0, 255, 133, 127};
  auto real_in = ir::DequantizeValues(DataType::kUInt8, {1, 2, 2, 2}, result->input_quant[0],
                                             q_in.data(), q_in.size());
  ASSERT_TRUE(real_in.ok()) << real_in.status().ToString();
  auto ours = RunOurs(result->graph, {*real_in});
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  auto bytes = writer::SerializeGraph(m.graph);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto tfl = tools::TfLiteRunner::Create(std::move(bytes).value(), {});
  ASSERT_TRUE(tfl.ok()) << tfl.status().ToString();
  tools::HostTensor in;
  in.type = DataType::kUInt8;
  in.shape = {1, 2, 2, 2};
  in.bytes = q_in;
  ASSERT_TRUE((*tfl)->SetInput(0, in).ok());
  ASSERT_TRUE((*tfl)->Invoke().ok());
  const tools::HostTensor ref = (*tfl)->GetOutput(0);
  ASSERT_EQ(ref.num_elements(), static_cast<int64_t>((*ours)[0].size()));
  // Rounding of the quantized model: half a step of conv1's output (1/32)
  // times conv2's largest |weight| sum (5), plus half a step of the output
  // (0.25). A wrong scale or channel axis would be off by whole units.
  for (int64_t i = 0; i < ref.num_elements(); ++i) {
    EXPECT_NEAR((*ours)[0][i], ref.as<float>()[i], 0.5 / 32 * 5 + 0.125 + 1e-5) << "element " << i;
  }
}

TEST(DequantizeModelTest, QuantizeDequantizeChainIsRemoved) {
  // float in -> QUANTIZE u8 -> QUANTIZE i8 (requantize) -> DEQUANTIZE -> ADD -> out.
  writer::GraphBuilder b;
  const int in = b.AddInput(DataType::kFloat32, {1, 4}, "in");
  const int q8 = b.AddTensor(DataType::kUInt8, {1, 4}, "q_u8", PerTensor(1.0f / 128, 128));
  const int i8 = b.AddTensor(DataType::kInt8, {1, 4}, "q_i8", PerTensor(1.0f / 64, 0));
  const int deq = b.AddTensor(DataType::kFloat32, {1, 4}, "deq");
  const int bias = b.AddConstant<float>({4}, {1, 2, 3, 4}, "bias");
  const int out = b.AddTensor(DataType::kFloat32, {1, 4}, "out");
  b.AddNode(OpType::kQuantize, {in}, {q8});
  b.AddNode(OpType::kQuantize, {q8}, {i8});
  b.AddNode(OpType::kDequantize, {i8}, {deq});
  b.AddNode(OpType::kAdd, {deq, bias}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  auto result = transform::DequantizeModel(b.Build());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const ir::Graph& g = result->graph;
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpType::kAdd);
  EXPECT_EQ(g.nodes[0].inputs, (std::vector<int32_t>{in, bias}));
  EXPECT_EQ(g.nodes[0].outputs, std::vector<int32_t>{out});
  // Unquantized float constants are shared with the source, not copied.
  EXPECT_EQ(ConstantValues(g, bias), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_TRUE(test::MatchesTfLite(g, {}, 1e-6));
}

TEST(DequantizeModelTest, InputToOutputIdentityBecomesReshape) {
  // Both ends are graph tensors, so neither id can go.
  writer::GraphBuilder b;
  const int in = b.AddInput(DataType::kFloat32, {2, 3}, "in");
  const int q = b.AddTensor(DataType::kInt8, {2, 3}, "q", PerTensor(0.1f, 0));
  const int out = b.AddTensor(DataType::kFloat32, {2, 3}, "out");
  b.AddNode(OpType::kQuantize, {in}, {q});
  b.AddNode(OpType::kDequantize, {q}, {out});
  b.MarkOutput(out);
  auto result = transform::DequantizeModel(b.Build());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const ir::Graph& g = result->graph;
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpType::kReshape);
  ASSERT_EQ(g.nodes[0].inputs.size(), 2u);
  EXPECT_EQ(g.nodes[0].inputs[0], in);
  EXPECT_EQ(g.nodes[0].outputs, std::vector<int32_t>{out});
  const std::vector<float> x = {1.5f, -2, 3, 0.25f, 7, -9};
  auto ours = RunOurs(g, {x});
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_EQ((*ours)[0], x);
  EXPECT_TRUE(test::MatchesTfLite(g, {}, 0));
}

TEST(DequantizeModelTest, Int16ActivationIsAnErrorNamingTheTensor) {
  writer::GraphBuilder b;
  const int in = b.AddInput(DataType::kInt16, {1, 8}, "act16", PerTensor(1.0f / 4096, 0));
  const int out = b.AddTensor(DataType::kInt16, {1, 8}, "relu16", PerTensor(1.0f / 4096, 0));
  b.AddNode(OpType::kRelu, {in}, {out});
  b.MarkOutput(out);
  auto result = transform::DequantizeModel(b.Build());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(result.status().message().find("'act16' INT16"), std::string::npos)
      << result.status().message();
}

TEST(DequantizeModelTest, OpWithoutFloatMeaningIsAnError) {
  // CAST of a quantized tensor yields its raw integers, not its real values.
  writer::GraphBuilder b;
  const int in = b.AddInput(DataType::kUInt8, {4}, "pixels", PerTensor(0.5f, 10));
  const int out = b.AddTensor(DataType::kFloat32, {4}, "as_float");
  b.AddNode(OpType::kCast, {in}, {out}, ir::CastOptions{DataType::kUInt8, DataType::kFloat32});
  b.MarkOutput(out);
  const ir::Graph graph = b.Build();
  auto result = transform::DequantizeModel(graph);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("node 0 CAST: input 0 tensor 0 'pixels'"),
            std::string::npos)
      << result.status().message();
  transform::DequantizeModelOptions lenient;
  lenient.allow_unlisted_ops = true;
  EXPECT_TRUE(transform::DequantizeModel(graph, lenient).ok());
}

TEST(DequantizeModelTest, BadPerChannelScalesAreAnError) {
  writer::GraphBuilder b;
  const int in = b.AddInput(DataType::kFloat32, {1, 2}, "in");
  // 3 scales for a dimension of 2.
  const int w =
      b.AddConstant<int8_t>({2, 2}, {1, 2, 3, 4}, "fc/w", PerChannel({0.5f, 0.25f, 0.125f}, 0));
  const int out = b.AddTensor(DataType::kFloat32, {1, 2}, "out");
  b.AddNode(OpType::kFullyConnected, {in, w, ir::kNoTensor}, {out}, ir::FullyConnectedOptions{});
  b.MarkOutput(out);
  auto result = transform::DequantizeModel(b.Build());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("'fc/w'"), std::string::npos)
      << result.status().message();
}

// --- mobilenet_v2_1.0_224_quant on ../shared's images -------------------------

std::string SharedPath(const std::string& rel) { return std::string(VKD_SHARED_DIR) + "/" + rel; }

constexpr char kQuantModel[] = "models/mobilenet_v2_1.0_224_quant.tflite";

std::vector<std::string> ReadLabels() {
  std::ifstream f(SharedPath("images/imagenet_labels.txt"));
  std::vector<std::string> labels;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(line);
  }
  return labels;
}

// As TFLite's reference answers were made: centre crop, bilinear 224x224.
StatusOr<tools::HostTensor> LoadImage(const std::string& name) {
  VKD_ASSIGN_OR_RETURN(tools::RgbImage image, tools::ReadBmp(SharedPath("images/" + name)));
  return tools::ImageToTensor(tools::ResizeBilinear(tools::CenterCropSquare(image), 224, 224));
}

std::vector<int> TopK(const std::vector<float>& scores, int k) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int a, int b) { return scores[a] > scores[b]; });
  order.resize(k);
  return order;
}

std::string DescribeTop5(const std::vector<float>& scores, const std::vector<std::string>& labels) {
  std::string s;
  char buf[128];
  for (int c : TopK(scores, 5)) {
    std::snprintf(buf, sizeof(buf), "%s%s (%.3f)", s.empty() ? "" : ", ",
                  c < static_cast<int>(labels.size()) ? labels[c].c_str() : "?", scores[c]);
    s += buf;
  }
  return s;
}

class DequantizedMobileNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::ifstream(SharedPath(kQuantModel))) {
      GTEST_SKIP() << SharedPath(kQuantModel) << " not present (../shared is missing)";
    }
    labels_ = ReadLabels();
    ASSERT_EQ(labels_.size(), 1001u);
    auto model = reader::ReadModelFile(SharedPath(kQuantModel));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    auto dequantized = transform::DequantizeModel(model->graph);
    ASSERT_TRUE(dequantized.ok()) << dequantized.status().ToString();
    dequantized_ = std::move(dequantized).value();
    // Through the writer and back, as vkd-make-model --from_quant writes it.
    auto bytes = writer::SerializeGraph(dequantized_.graph);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    float_bytes_ = *bytes;
    auto reread = reader::ReadModelFromBytes(std::move(bytes).value());
    ASSERT_TRUE(reread.ok()) << reread.status().ToString();
    float_graph_ = reread->graph;
    for (const ir::Tensor& t : float_graph_.tensors) {
      ASSERT_NE(t.type, DataType::kUInt8) << t.name;
      ASSERT_TRUE(t.quant.empty()) << t.name;
    }
  }

  // The real-valued input of the float copy for a uint8 image.
  std::vector<float> FloatInput(const tools::HostTensor& image) {
    auto v = ir::DequantizeValues(DataType::kUInt8, image.shape, dequantized_.input_quant[0],
                                         image.bytes.data(), image.bytes.size());
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : std::vector<float>();
  }

  std::vector<std::string> labels_;
  transform::DequantizedModel dequantized_;
  std::vector<uint8_t> float_bytes_;
  ir::Graph float_graph_;
};

TEST_F(DequantizedMobileNetTest, OurInterpreterNamesTheImages) {
  EXPECT_EQ(dequantized_.input_types, std::vector<DataType>{DataType::kUInt8});
  EXPECT_EQ(dequantized_.output_types, std::vector<DataType>{DataType::kUInt8});
  struct Case {
    const char* image;
    const char* label;
  };
  for (const Case& c :
       {Case{"cat.bmp", "Egyptian cat"}, Case{"grace_hopper.bmp", "military uniform"}}) {
    auto image = LoadImage(c.image);
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    auto out = RunOurs(float_graph_, {FloatInput(*image)});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const std::vector<float>& scores = (*out)[0];
    ASSERT_EQ(scores.size(), 1001u);
    std::printf("[ float copy, vkd ] %s: %s\n", c.image, DescribeTop5(scores, labels_).c_str());
    EXPECT_EQ(labels_[TopK(scores, 1)[0]], c.label) << c.image;
  }
}

TEST_F(DequantizedMobileNetTest, MatchesTfLite) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  auto tfl_float = tools::TfLiteRunner::Create(float_bytes_, {});
  ASSERT_TRUE(tfl_float.ok()) << tfl_float.status().ToString();
  auto tfl_quant = tools::TfLiteRunner::CreateFromFile(SharedPath(kQuantModel), {});
  ASSERT_TRUE(tfl_quant.ok()) << tfl_quant.status().ToString();
  for (const char* name : {"cat.bmp", "grace_hopper.bmp", "bird.bmp"}) {
    SCOPED_TRACE(name);
    auto image = LoadImage(name);
    ASSERT_TRUE(image.ok()) << image.status().ToString();

    ASSERT_TRUE((*tfl_quant)->SetInput(0, *image).ok());
    ASSERT_TRUE((*tfl_quant)->Invoke().ok());
    const tools::HostTensor q_out = (*tfl_quant)->GetOutput(0);
    ASSERT_EQ(q_out.type, DataType::kUInt8);
    auto q_scores =
        ir::DequantizeValues(q_out.type, q_out.shape, dequantized_.output_quant[0],
                                    q_out.bytes.data(), q_out.bytes.size());
    ASSERT_TRUE(q_scores.ok()) << q_scores.status().ToString();

    const std::vector<float> x = FloatInput(*image);
    tools::HostTensor f_in;
    f_in.type = DataType::kFloat32;
    f_in.shape = image->shape;
    f_in.bytes.resize(x.size() * sizeof(float));
    std::memcpy(f_in.bytes.data(), x.data(), f_in.bytes.size());
    ASSERT_TRUE((*tfl_float)->SetInput(0, f_in).ok());
    ASSERT_TRUE((*tfl_float)->Invoke().ok());
    const tools::HostTensor f_out = (*tfl_float)->GetOutput(0);
    ASSERT_EQ(f_out.type, DataType::kFloat32);
    const std::vector<float> tfl_scores(f_out.as<float>(),
                                        f_out.as<float>() + f_out.num_elements());

    auto ours = RunOurs(float_graph_, {x});
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    const std::vector<float>& our_scores = (*ours)[0];
    ASSERT_EQ(our_scores.size(), tfl_scores.size());

    std::printf("[ quant, tflite    ] %s: %s\n", name, DescribeTop5(*q_scores, labels_).c_str());
    std::printf("[ float copy, tfl  ] %s: %s\n", name, DescribeTop5(tfl_scores, labels_).c_str());
    EXPECT_EQ(TopK(tfl_scores, 1)[0], TopK(*q_scores, 1)[0])
        << "float copy and quantized model disagree on TFLite";
    EXPECT_EQ(TopK(our_scores, 1)[0], TopK(tfl_scores, 1)[0]);
    double max_err = 0, max_ref = 0;
    for (size_t i = 0; i < tfl_scores.size(); ++i) {
      max_err = std::max(max_err, std::fabs(double(our_scores[i]) - tfl_scores[i]));
      max_ref = std::max(max_ref, std::fabs(double(tfl_scores[i])));
    }
    std::printf("[ float copy       ] %s: max |vkd - tflite| = %.3g\n", name, max_err);
    EXPECT_LE(max_err, 1e-4 * std::max(1.0, max_ref));
  }
}

// --- bench/image.h ---------------------------------------------------------------

void PutU16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = v & 0xFF;
  b[at + 1] = v >> 8;
}
void PutU32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = (v >> (8 * i)) & 0xFF;
}

// A BMP of `rgb` (rows top first) written the way image editors do.
std::vector<uint8_t> EncodeBmp(int width, int height, const std::vector<uint8_t>& rgb, int bpp,
                               bool top_down) {
  const size_t stride = (static_cast<size_t>(width) * (bpp / 8) + 3) / 4 * 4;
  const size_t offset = 14 + 40;
  std::vector<uint8_t> b(offset + stride * height, 0xEE);  // 0xEE: padding must be ignored
  b[0] = 'B';
  b[1] = 'M';
  PutU32(b, 2, static_cast<uint32_t>(b.size()));
  PutU32(b, 6, 0);
  PutU32(b, 10, offset);
  PutU32(b, 14, 40);
  PutU32(b, 18, width);
  PutU32(b, 22, static_cast<uint32_t>(top_down ? -height : height));
  PutU16(b, 26, 1);
  PutU16(b, 28, bpp);
  PutU32(b, 30, 0);
  PutU32(b, 34, static_cast<uint32_t>(stride * height));
  for (int i = 38; i < 54; ++i) b[i] = 0;
  for (int y = 0; y < height; ++y) {
    const int stored = top_down ? y : height - 1 - y;
    uint8_t* row = b.data() + offset + stride * stored;
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = rgb.data() + (static_cast<size_t>(y) * width + x) * 3;
      uint8_t* q = row + x * (bpp / 8);
      q[0] = p[2];
      q[1] = p[1];
      q[2] = p[0];
      if (bpp == 32) q[3] = 0xFF;
    }
  }
  return b;
}

std::string WriteTempFile(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = ::testing::TempDir() + "/vkd_image_test_" + name;
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::vector<uint8_t> TestPixels(int width, int height) {
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 37 + 11);
  return rgb;
}

TEST(ImageTest, Bmp24BottomUpWithRowPaddingReadsBack) {
  // Width 3: 9 bytes of pixels, 3 of padding per row.
  const std::vector<uint8_t> rgb = TestPixels(3, 2);
  const std::string path = WriteTempFile("24.bmp", EncodeBmp(3, 2, rgb, 24, false));
  auto image = tools::ReadBmp(path);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->width, 3);
  EXPECT_EQ(image->height, 2);
  EXPECT_EQ(image->rgb, rgb);
}

TEST(ImageTest, Bmp24TopDownAnd32BitReadBack) {
  const std::vector<uint8_t> rgb = TestPixels(5, 3);
  for (int bpp : {24, 32}) {
    for (bool top_down : {false, true}) {
      const std::vector<uint8_t> bytes = EncodeBmp(5, 3, rgb, bpp, top_down);
      auto image = tools::DecodeBmp(bytes.data(), bytes.size());
      ASSERT_TRUE(image.ok()) << image.status().ToString();
      EXPECT_EQ(image->rgb, rgb) << bpp << " bits, top_down " << top_down;
    }
  }
}

TEST(ImageTest, TruncatedAndUnsupportedBmpAreErrors) {
  std::vector<uint8_t> bytes = EncodeBmp(3, 2, TestPixels(3, 2), 24, false);
  bytes.resize(bytes.size() - 13);  // into the last row's pixels
  auto truncated = tools::ReadBmp(WriteTempFile("truncated.bmp", bytes));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(truncated.status().message().find("truncated"), std::string::npos)
      << truncated.status().message();

  bytes.resize(20);  // inside the header
  EXPECT_EQ(tools::DecodeBmp(bytes.data(), bytes.size()).status().code(), StatusCode::kDataLoss);

  std::vector<uint8_t> paletted = EncodeBmp(3, 2, TestPixels(3, 2), 24, false);
  PutU16(paletted, 28, 8);
  EXPECT_EQ(tools::DecodeBmp(paletted.data(), paletted.size()).status().code(),
            StatusCode::kUnimplemented);
  std::vector<uint8_t> rle = EncodeBmp(3, 2, TestPixels(3, 2), 24, false);
  PutU32(rle, 30, 1);
  EXPECT_EQ(tools::DecodeBmp(rle.data(), rle.size()).status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(tools::ReadBmp(::testing::TempDir() + "/no_such.bmp").status().code(),
            StatusCode::kNotFound);
}

TEST(ImageTest, CenterCropAndHalfPixelBilinear) {
  tools::RgbImage wide;
  wide.width = 4;
  wide.height = 2;
  wide.rgb = TestPixels(4, 2);
  const tools::RgbImage square = tools::CenterCropSquare(wide);
  ASSERT_EQ(square.width, 2);
  ASSERT_EQ(square.height, 2);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 2; ++x) {
      for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(square.rgb[(y * 2 + x) * 3 + c], wide.rgb[(y * 4 + x + 1) * 3 + c]);
      }
    }
  }

  // 2 -> 4 pixels: sources at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  tools::RgbImage ramp;
  ramp.width = 2;
  ramp.height = 1;
  ramp.rgb = {0, 0, 0, 100, 200, 255};
  const tools::RgbImage up = tools::ResizeBilinear(ramp, 4, 1);
  EXPECT_EQ(up.rgb, (std::vector<uint8_t>{0, 0, 0, 25, 50, 64, 75, 150, 191, 100, 200, 255}));
  // Downscaling by 2 averages pixel pairs (source at 0.5, 2.5).
  tools::RgbImage row;
  row.width = 4;
  row.height = 1;
  row.rgb = {10, 0, 0, 20, 0, 0, 30, 0, 0, 41, 0, 0};
  EXPECT_EQ(tools::ResizeBilinear(row, 2, 1).rgb, (std::vector<uint8_t>{15, 0, 0, 36, 0, 0}));
}

}  // namespace
}  // namespace vkd
