// The shared float and hybrid models end to end: vkdelegate's CPU interpreter
// against TFLite 2.9's builtin kernels on the same seeded inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <ostream>

#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "model/reader/model_reader.h"

namespace vkd {
namespace {

struct ModelCase {
  const char* name;
  double tolerance;  // max |ours - tflite| <= tolerance * max(1, max |tflite|)
};

void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

std::string ModelPath(const char* name) {
  return std::string(VKD_SHARED_DIR) + "/models/" + name + ".tflite";
}

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
    // Classifiers: the winning class of every batch row must agree.
    const int64_t classes = ref.shape.back();
    for (int64_t row = 0; row + classes <= ref.num_elements(); row += classes) {
      const float* theirs = ref.as<float>() + row;
      const int64_t ours_top = std::max_element(ours + row, ours + row + classes) - (ours + row);
      const int64_t their_top = std::max_element(theirs, theirs + classes) - theirs;
      EXPECT_EQ(ours_top, their_top) << c.name << " row " << row / classes;
    }
    ::testing::Test::RecordProperty("max_abs_error_output_" + std::to_string(o),
                                    std::to_string(max_err));
    std::printf(
        "[ model ] %s batch %d threads %d output %d: max |vkd - tflite| = %.3g (max |tflite| = "
        "%.3g)\n",
        c.name, batch, num_threads, o, max_err, max_ref);
    EXPECT_LE(max_err, c.tolerance * std::max(1.0, max_ref)) << c.name << " output " << o;
  }
}

TEST_P(FloatModelTest, MatchesTfLiteAtBatch1) { CompareModel(GetParam(), 1, 1); }
TEST_P(FloatModelTest, MatchesTfLiteAtBatch1TwoThreads) { CompareModel(GetParam(), 1, 2); }

// Float models: summation order differs from TFLite's GEMMs by a few ulp per
// layer. Hybrid models: each hybrid layer re-quantizes its float input to
// int8 at run time, so a 1-ulp difference upstream can flip one rounding and
// move that layer's output by a whole quantization step. In
// mobilenet_v2_1.0_224 float layers (which no implementation can match bit
// for bit with TFLite's GEMM order) feed hybrid layers whose input range is
// ~44 (step ~0.35); the flips compound to ~2e-3 at the 5-class softmax.
// vkdelegate's own optimized and reference kernels differ from each other by
// the same amount, so the bound for that model is 5e-3 plus equal top-1;
// hybrid single ops are held to 1e-3 in tests/ops.
INSTANTIATE_TEST_SUITE_P(Shared, FloatModelTest,
                         ::testing::Values(ModelCase{"vww_96_float", 1e-4},
                                           ModelCase{"pretrainedResnet", 1e-4},
                                           ModelCase{"kws_ref_model_float32", 1e-3},
                                           ModelCase{"ad01_fp32", 1e-4},
                                           ModelCase{"mobilenet_v2_1.0_224", 5e-3}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
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
