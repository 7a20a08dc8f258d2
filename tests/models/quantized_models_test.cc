// The shared int8/uint8 models end to end: vkdelegate's CPU interpreter (its
// quantized kernels) against TFLite 2.9's builtin kernels (XNNPACK off) on
// the same seeded full-range inputs. Quantized outputs may differ by at most
// 1 LSB per element; integer (ARG_MAX) and float outputs are compared as the
// comments below say. Then the same models with the GPU on: int8 ops stay on
// the CPU kernels, float ops go to the GPU, in one invoke.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <ostream>

#include "bench/image.h"
#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

std::string SharedPath(const std::string& rel) { return std::string(VKD_SHARED_DIR) + "/" + rel; }
std::string ModelPath(const std::string& name) { return SharedPath("models/" + name + ".tflite"); }

double ElementAt(const uint8_t* data, ir::DataType type, int64_t i) {
  switch (type) {
    case ir::DataType::kFloat32:
      return reinterpret_cast<const float*>(data)[i];
    case ir::DataType::kInt32:
      return reinterpret_cast<const int32_t*>(data)[i];
    case ir::DataType::kInt64:
      return static_cast<double>(reinterpret_cast<const int64_t*>(data)[i]);
    case ir::DataType::kInt8:
      return reinterpret_cast<const int8_t*>(data)[i];
    case ir::DataType::kUInt8:
      return data[i];
    case ir::DataType::kInt16:
      return reinterpret_cast<const int16_t*>(data)[i];
    default:
      return NAN;
  }
}

struct Comparison {
  double max_diff = 0;     // in LSB (quantized), units (integers) or absolute (float)
  int64_t mismatches = 0;  // elements that differ at all
};

// Runs `run_ours` and TFLite on the same inputs and compares every output.
template <typename Runner>
std::vector<Comparison> CompareWithTfLite(Runner& ours, const std::string& path,
                                          const std::vector<tools::HostTensor>& inputs) {
  std::vector<Comparison> result;
  auto tfl = tools::TfLiteRunner::CreateFromFile(path, {});
  EXPECT_TRUE(tfl.ok()) << tfl.status().ToString();
  if (!tfl.ok()) return result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memcpy(ours.input_data(static_cast<int>(i)), inputs[i].bytes.data(),
                inputs[i].bytes.size());
    EXPECT_TRUE((*tfl)->SetInput(static_cast<int>(i), inputs[i]).ok());
  }
  Status s = ours.Invoke();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE((*tfl)->Invoke().ok());
  for (int o = 0; o < ours.num_outputs(); ++o) {
    const ir::Tensor& ot = ours.output_tensor(o);
    const tools::HostTensor ref = (*tfl)->GetOutput(o);
    EXPECT_EQ(ot.shape, ref.shape) << "output " << o;
    EXPECT_EQ(ot.type, ref.type) << "output " << o;
    Comparison c;
    if (ot.shape != ref.shape || ot.type != ref.type) {
      c.max_diff = INFINITY;
    } else {
      for (int64_t k = 0; k < ref.num_elements(); ++k) {
        const double d = std::fabs(ElementAt(ours.output_data(o), ot.type, k) -
                                   ElementAt(ref.bytes.data(), ref.type, k));
        c.max_diff = std::max(c.max_diff, d);
        c.mismatches += d != 0;
      }
    }
    result.push_back(c);
  }
  return result;
}

std::vector<tools::HostTensor> FullRangeInputs(const std::vector<const ir::Tensor*>& specs) {
  std::vector<tools::HostTensor> inputs;
  for (size_t i = 0; i < specs.size(); ++i) {
    // Integer inputs over their whole range; float inputs in [-1, 1].
    const bool is_float = specs[i]->type == ir::DataType::kFloat32;
    inputs.push_back(tools::RandomTensor(specs[i]->type, specs[i]->shape, 4321u + i,
                                         is_float ? -1.0f : -1e9f, is_float ? 1.0f : 1e9f));
  }
  return inputs;
}

struct ModelCase {
  const char* name;
  // Float outputs (movenet's keypoints, computed in float from int8 heatmaps
  // after a DEQUANTIZE): absolute bound.
  double float_tolerance;
};
void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

class QuantizedModelTest : public ::testing::TestWithParam<std::tuple<ModelCase, int>> {};

TEST_P(QuantizedModelTest, CpuInterpreterMatchesTfLiteWithinOneLsb) {
  const auto& [c, threads] = GetParam();
  const std::string path = ModelPath(c.name);
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  cpu::InterpreterOptions io;
  io.num_threads = threads;
  auto interp = cpu::Interpreter::Create(model->graph, io);
  ASSERT_TRUE(interp.ok()) << interp.status().ToString();
  Status s = (*interp)->AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<const ir::Tensor*> specs;
  for (int i = 0; i < (*interp)->num_inputs(); ++i) specs.push_back(&(*interp)->input_tensor(i));
  const auto cmp = CompareWithTfLite(**interp, path, FullRangeInputs(specs));
  for (size_t o = 0; o < cmp.size(); ++o) {
    const ir::Tensor& ot = (*interp)->output_tensor(static_cast<int>(o));
    std::printf("[ model ] %s threads %d output %zu %s: max diff %.3g, %lld of %lld differ\n",
                c.name, threads, o, ir::DataTypeName(ot.type), cmp[o].max_diff,
                static_cast<long long>(cmp[o].mismatches),
                static_cast<long long>(ot.num_elements()));
    switch (ot.type) {
      case ir::DataType::kInt8:
      case ir::DataType::kUInt8:
      case ir::DataType::kInt16:
        EXPECT_LE(cmp[o].max_diff, 1.0) << c.name << " output " << o << " (LSB)";
        break;
      case ir::DataType::kFloat32:
        EXPECT_LE(cmp[o].max_diff, c.float_tolerance) << c.name << " output " << o;
        break;
      default:
        // Indices (ARG_MAX): exact kernels upstream give the same argmax.
        EXPECT_EQ(cmp[o].mismatches, 0) << c.name << " output " << o;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shared, QuantizedModelTest,
    ::testing::Combine(::testing::Values(ModelCase{"vww_96_int8", 0},
                                         ModelCase{"pretrainedResnet_quant", 0},
                                         ModelCase{"kws_ref_model", 0}, ModelCase{"ad01_int8", 0},
                                         ModelCase{"mobilenet_v1_0.25_128_quant", 0},
                                         ModelCase{"mobilenet_v2_1.0_224_quant", 0},
                                         ModelCase{"tf2_mobilenet_v2_1.0_224_ptq", 0},
                                         ModelCase{"deeplabv3_mnv2_dm05_pascal_quant", 0},
                                         ModelCase{"movenet_single_pose_lightning_ptq", 1e-5}),
                       ::testing::Values(1, 2)),
    [](const auto& info) {
      std::string n = std::get<0>(info.param).name;
      for (char& ch : n)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n + "_" + std::to_string(std::get<1>(info.param)) + "thr";
    });

// --- the image example's answers, on the CPU kernels ------------------------------------------

std::string Top1(const std::string& model, const std::string& image) {
  auto m = reader::ReadModelFile(ModelPath(model));
  EXPECT_TRUE(m.ok());
  auto interp = cpu::Interpreter::Create(m->graph, {});
  EXPECT_TRUE(interp.ok() && (*interp)->AllocateTensors().ok());
  auto img = tools::ReadBmp(SharedPath("images/" + image));
  EXPECT_TRUE(img.ok()) << img.status().ToString();
  const tools::RgbImage rgb = tools::ResizeBilinear(tools::CenterCropSquare(*img), 224, 224);
  std::memcpy((*interp)->input_data(0), rgb.rgb.data(), rgb.rgb.size());
  EXPECT_TRUE((*interp)->Invoke().ok());
  const uint8_t* out = (*interp)->output_data(0);
  const int64_t n = (*interp)->output_tensor(0).num_elements();
  const int64_t top = std::max_element(out, out + n) - out;
  std::ifstream labels(SharedPath("images/imagenet_labels.txt"));
  std::string label;
  for (int64_t i = 0; i <= top && std::getline(labels, label); ++i) {
  }
  return label;
}

TEST(QuantizedImageTest, MobileNetV2QuantClassifiesLikeTfLite) {
  if (!std::ifstream(ModelPath("mobilenet_v2_1.0_224_quant"))) GTEST_SKIP() << "../shared missing";
  EXPECT_EQ(Top1("mobilenet_v2_1.0_224_quant", "cat.bmp"), "Egyptian cat");
  EXPECT_EQ(Top1("mobilenet_v2_1.0_224_quant", "grace_hopper.bmp"), "military uniform");
}

// --- GPU on: int8 ops on the CPU kernels, float ops on the GPU ---------------------------------

// A prepared ModelRunner on the tests' shared GPU context (enable_quant as
// given); null after a test failure.
std::unique_ptr<ModelRunner> GpuRunner(const ir::Graph& graph, bool enable_quant) {
  RunnerOptions ro;
  ro.shared_context = test::SharedGpuContext();
  ro.warn_on_fallback = false;
  ro.enable_quant = enable_quant;
  auto runner = ModelRunner::Create(graph, ro);
  EXPECT_TRUE(runner.ok()) << runner.status().ToString();
  if (!runner.ok()) return nullptr;
  const Status s = (*runner)->AllocateTensors();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? std::move(runner).value() : nullptr;
}

// movenet's float post-processing goes to the GPU, its int8 body stays on the
// CPU kernels; both run in one invoke and the result still matches TFLite.
TEST(QuantizedModelGpuTest, MovenetInt8CpuAndFloatGpuInOneInvoke) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  const std::string path = ModelPath("movenet_single_pose_lightning_ptq");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok());
  auto runner = GpuRunner(model->graph, /*enable_quant=*/false);
  ASSERT_TRUE(runner);
  ASSERT_TRUE(runner->gpu_fallback_reason().empty()) << runner->gpu_fallback_reason();
  const auto& plan = runner->plan();
  int int8_on_cpu = 0;
  for (size_t n = 0; n < model->graph.nodes.size(); ++n) {
    const ir::Node& node = model->graph.nodes[n];
    const bool quantized =
        !node.outputs.empty() && model->graph.tensors[node.outputs[0]].type == ir::DataType::kInt8;
    if (quantized) {
      EXPECT_LT(plan.node_partition[n], 0) << ir::NodeLabel(model->graph, static_cast<int>(n));
      ++int8_on_cpu;
    }
  }
  EXPECT_GT(plan.num_gpu_nodes(), 0);
  EXPECT_GT(int8_on_cpu, 50);
  const int errors_before = test::GpuValidationErrors();
  std::vector<const ir::Tensor*> specs = {&runner->input_tensor(0)};
  const auto cmp = CompareWithTfLite(*runner, path, FullRangeInputs(specs));
  ASSERT_EQ(cmp.size(), 1u);
  std::printf("movenet, %d nodes on GPU in %zu partitions: max |diff| %.3g\n", plan.num_gpu_nodes(),
              plan.partitions.size(), cmp[0].max_diff);
  EXPECT_LE(cmp[0].max_diff, 1e-4);
  EXPECT_EQ(test::GpuValidationErrors(), errors_before) << test::GpuValidationMessages();
}

// --- enable_quant: quantized models in float on the GPU ------------------------------------------

// TFLite's GPU delegate with ENABLE_QUANT computes in float, so outputs are
// not bit-exact; what must hold is TFLite's answer on real images. The
// output error (in LSB of the quantized output) is printed for the record.
class EnableQuantTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EnableQuantTest, RealImagesGiveTfLitesTop1) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  const std::string name = GetParam();
  const std::string path = ModelPath(name);
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok());
  auto runner = GpuRunner(model->graph, /*enable_quant=*/true);
  ASSERT_TRUE(runner);
  EXPECT_TRUE(runner->quant_note().empty()) << runner->quant_note();
  // Every node on the GPU: the quantized model's QUANTIZE/DEQUANTIZE
  // included (identities in float); only the partition's edges convert.
  EXPECT_EQ(runner->plan().num_gpu_nodes(), static_cast<int>(model->graph.nodes.size()));
  const int errors_before = test::GpuValidationErrors();
  const ir::Tensor& in = runner->input_tensor(0);
  for (const char* image : {"cat.bmp", "grace_hopper.bmp"}) {
    auto img = tools::ReadBmp(SharedPath(std::string("images/") + image));
    ASSERT_TRUE(img.ok());
    tools::HostTensor t = tools::ImageToTensor(
        tools::ResizeBilinear(tools::CenterCropSquare(*img), in.shape[2], in.shape[1]));
    ASSERT_EQ(t.type, in.type);
    const auto cmp = CompareWithTfLite(*runner, path, {t});
    ASSERT_EQ(cmp.size(), 1u);
    // Top-1 of both, from the outputs just computed.
    auto tfl = tools::TfLiteRunner::CreateFromFile(path, {});
    ASSERT_TRUE(tfl.ok());
    ASSERT_TRUE((*tfl)->SetInput(0, t).ok());
    ASSERT_TRUE((*tfl)->Invoke().ok());
    const tools::HostTensor ref = (*tfl)->GetOutput(0);
    const uint8_t* ours = runner->output_data(0);
    const int64_t n = ref.num_elements();
    const int64_t our_top = std::max_element(ours, ours + n) - ours;
    const int64_t their_top =
        std::max_element(ref.bytes.data(), ref.bytes.data() + n) - ref.bytes.data();
    std::printf(
        "[ enable_quant ] %s %s: top-1 %lld (TFLite %lld), max |diff| %.0f LSB, %lld of "
        "%lld outputs differ\n",
        name.c_str(), image, static_cast<long long>(our_top), static_cast<long long>(their_top),
        cmp[0].max_diff, static_cast<long long>(cmp[0].mismatches), static_cast<long long>(n));
    EXPECT_EQ(our_top, their_top) << name << " " << image;
  }
  EXPECT_EQ(test::GpuValidationErrors(), errors_before) << test::GpuValidationMessages();
}

INSTANTIATE_TEST_SUITE_P(Shared, EnableQuantTest,
                         ::testing::Values("mobilenet_v2_1.0_224_quant",
                                           "tf2_mobilenet_v2_1.0_224_ptq",
                                           "mobilenet_v1_0.25_128_quant"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace vkd
