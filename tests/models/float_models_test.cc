// The shared float and hybrid models end to end: vkdelegate's CPU interpreter
// against TFLite 2.9's builtin kernels on the same seeded inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/reader/model_reader.h"

namespace vkd {
namespace {

struct ModelCase {
  const char* name;
  double tolerance;  // max |ours - tflite| <= tolerance * max(1, max |tflite|)
};

std::string ModelPath(const char* name) { return std::string(VKD_SHARED_DIR) + "/models/" + name + ".tflite"; }

class FloatModelTest : public ::testing::TestWithParam<ModelCase> {};

void CompareModel(const ModelCase& c, int batch, int num_threads) {
  const std::string path = ModelPath(c.name);
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  cpu::InterpreterOptions io;
  io.num_threads = num_threads;
  auto interp = cpu::Interpreter::Create(model->graph, io);
  ASSERT_TRUE(interp.ok()) << interp.status().ToString();

  tools::TfLiteRunOptions to;
  std::vector<ir::Shape> shapes;
  for (int i = 0; i < (*interp)->num_inputs(); ++i) {
    ir::Shape s = (*interp)->input_tensor(i).shape;
    s[0] = batch;
    shapes.push_back(s);
    if (batch != 1) {
      ASSERT_TRUE((*interp)->ResizeInput(i, s).ok());
    }
  }
  if (batch != 1) to.input_shapes = shapes;
  ASSERT_TRUE((*interp)->AllocateTensors().ok());
  auto tfl = tools::TfLiteRunner::CreateFromFile(path, to);
  ASSERT_TRUE(tfl.ok()) << tfl.status().ToString();

  for (int i = 0; i < (*interp)->num_inputs(); ++i) {
    const ir::Tensor& t = (*interp)->input_tensor(i);
    tools::HostTensor in = tools::RandomTensor(t.type, t.shape, 1234u + i, -1.0f, 1.0f);
    std::memcpy((*interp)->input_data(i), in.bytes.data(), in.bytes.size());
    ASSERT_TRUE((*tfl)->SetInput(i, in).ok());
  }
  ASSERT_TRUE((*interp)->Invoke().ok());
  ASSERT_TRUE((*tfl)->Invoke().ok());
  for (int o = 0; o < (*interp)->num_outputs(); ++o) {
    const ir::Tensor& ot = (*interp)->output_tensor(o);
    tools::HostTensor ref = (*tfl)->GetOutput(o);
    ASSERT_EQ(ot.shape, ref.shape) << "output " << o;
    ASSERT_EQ(ot.type, ir::DataType::kFloat32);
    const float* ours = reinterpret_cast<const float*>((*interp)->output_data(o));
    double max_err = 0, max_ref = 0;
    for (int64_t k = 0; k < ref.num_elements(); ++k) {
      max_err = std::max(max_err, std::fabs(double(ours[k]) - ref.as<float>()[k]));
      max_ref = std::max(max_ref, std::fabs(double(ref.as<float>()[k])));
    }
    ::testing::Test::RecordProperty("max_abs_error_output_" + std::to_string(o), std::to_string(max_err));
    std::printf("[ model ] %s batch %d threads %d output %d: max |vkd - tflite| = %.3g (max |tflite| = %.3g)\n", c.name,
                batch, num_threads, o, max_err, max_ref);
    EXPECT_LE(max_err, c.tolerance * std::max(1.0, max_ref)) << c.name << " output " << o;
  }
}

TEST_P(FloatModelTest, MatchesTfLiteAtBatch1) { CompareModel(GetParam(), 1, 1); }
TEST_P(FloatModelTest, MatchesTfLiteAtBatch1TwoThreads) { CompareModel(GetParam(), 1, 2); }

// Float models (summation order differs from TFLite's GEMMs: a few ulp per
// layer) and hybrid models (int8 weights, inputs quantized at run time as
// TFLite does; one rounding flip moves an output by a weight step).
INSTANTIATE_TEST_SUITE_P(Shared, FloatModelTest,
                         ::testing::Values(ModelCase{"vww_96_float", 1e-4}, ModelCase{"pretrainedResnet", 1e-4},
                                           ModelCase{"kws_ref_model_float32", 1e-3}, ModelCase{"ad01_fp32", 1e-4},
                                           ModelCase{"mobilenet_v2_1.0_224", 1e-3}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// Models whose batch is -1 in shape_signature run at batch 4 too.
TEST(FloatModelBatch, VwwAtBatch4) { CompareModel({"vww_96_float", 1e-4}, 4, 1); }
TEST(FloatModelBatch, ResnetAtBatch4) { CompareModel({"pretrainedResnet", 1e-4}, 4, 2); }
TEST(FloatModelBatch, KwsAtBatch4) { CompareModel({"kws_ref_model_float32", 1e-3}, 4, 1); }

TEST(FloatModelBatch, FixedBatchRefusesResize) {
  const std::string path = ModelPath("mobilenet_v2_1.0_224");
  if (!std::ifstream(path)) GTEST_SKIP() << "../shared missing";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok());
  auto interp = cpu::Interpreter::Create(model->graph, {});
  ASSERT_TRUE(interp.ok());
  Status s = (*interp)->ResizeInput(0, {1, 225, 224, 3});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot resize"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vkd
