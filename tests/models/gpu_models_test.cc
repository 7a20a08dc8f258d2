// The shared float and hybrid models, the project's float MobileNetV2-224
// and the float copy of mobilenet_v2_1.0_224_quant on the GPU path (lavapipe
// in CI, validation layer on) against TFLite 2.9's builtin kernels: every
// node on the GPU, outputs within tolerance, same top-1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "bench/image.h"
#include "bench/model_zoo.h"
#include "bench/tflite_runner.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "model/transform/dequantize_model.h"
#include "model/writer/model_writer.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

std::string SharedPath(const std::string& rel) { return std::string(VKD_SHARED_DIR) + "/" + rel; }

struct Result {
  double max_err = 0, max_ref = 0;
  int gpu_nodes = 0, nodes = 0, dispatches = 0;
  bool top1_equal = true;
};

// Runs `graph` on the GPU path and `tflite_model` (the same model's bytes) on
// TFLite with the same seeded inputs.
void RunBoth(const ir::Graph& graph, const std::vector<uint8_t>& tflite_model,
             const std::vector<tools::HostTensor>* given_inputs, Result* r, bool fp16 = false) {
  auto ctx = test::SharedGpuContext(fp16);
  RunnerOptions ro;
  ro.shared_context = ctx;
  ro.warn_on_fallback = false;
  auto runner = ModelRunner::Create(graph, ro);
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  ASSERT_TRUE((*runner)->AllocateTensors().ok());
  ASSERT_TRUE((*runner)->gpu_fallback_reason().empty()) << (*runner)->gpu_fallback_reason();
  r->nodes = static_cast<int>(graph.nodes.size());
  r->gpu_nodes = (*runner)->plan().num_gpu_nodes();
  for (const auto& p : (*runner)->partitions()) r->dispatches += p->num_dispatches();
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    EXPECT_GE((*runner)->plan().node_partition[n], 0)
        << ir::NodeLabel(graph, static_cast<int>(n))
        << " on CPU: " << (*runner)->plan().cpu_reason[n];
  }
  auto tfl = tools::TfLiteRunner::Create(tflite_model, {});
  ASSERT_TRUE(tfl.ok()) << tfl.status().ToString();
  const int errors_before = test::GpuValidationErrors();
  for (int i = 0; i < (*runner)->num_inputs(); ++i) {
    const ir::Tensor& t = (*runner)->input_tensor(i);
    tools::HostTensor in =
        given_inputs ? (*given_inputs)[i] : tools::RandomTensor(t.type, t.shape, 1234u + i, -1, 1);
    ASSERT_EQ(in.bytes.size(), t.bytes());
    std::memcpy((*runner)->input_data(i), in.bytes.data(), in.bytes.size());
    ASSERT_TRUE((*tfl)->SetInput(i, in).ok());
  }
  // Twice: a replayed command buffer must give the same answer.
  for (int rep = 0; rep < 2; ++rep) ASSERT_TRUE((*runner)->Invoke().ok());
  ASSERT_TRUE((*tfl)->Invoke().ok());
  EXPECT_EQ(test::GpuValidationErrors(), errors_before) << test::GpuValidationMessages();
  for (int o = 0; o < (*runner)->num_outputs(); ++o) {
    tools::HostTensor ref = (*tfl)->GetOutput(o);
    const float* ours = reinterpret_cast<const float*>((*runner)->output_data(o));
    for (int64_t k = 0; k < ref.num_elements(); ++k) {
      r->max_err = std::max(r->max_err, std::fabs(double(ours[k]) - ref.as<float>()[k]));
      r->max_ref = std::max(r->max_ref, std::fabs(double(ref.as<float>()[k])));
    }
    const int64_t classes = ref.shape.back();
    for (int64_t row = 0; row + classes <= ref.num_elements(); row += classes) {
      const float* theirs = ref.as<float>() + row;
      if (std::max_element(ours + row, ours + row + classes) - (ours + row) !=
          std::max_element(theirs, theirs + classes) - theirs) {
        r->top1_equal = false;
      }
    }
  }
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

struct ModelCase {
  const char* name;
  double tolerance;  // relative to max(1, max |tflite|)
};
void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

class GpuModelTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(GpuModelTest, AllNodesOnGpuAndMatchesTfLite) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  const ModelCase& c = GetParam();
  const std::string path = SharedPath(std::string("models/") + c.name + ".tflite");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto model = reader::ReadModelFile(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  Result r;
  RunBoth(model->graph, ReadBytes(path), nullptr, &r);
  std::printf("%s: %d/%d nodes on GPU, %d dispatches, max |err| %.3g (max |ref| %.3g)\n", c.name,
              r.gpu_nodes, r.nodes, r.dispatches, r.max_err, r.max_ref);
  EXPECT_LE(r.max_err, c.tolerance * std::max(1.0, r.max_ref));
  EXPECT_TRUE(r.top1_equal);
}

// Float models: the GPU path's fp32 bound. Hybrid models: TFLite quantizes
// activations to int8 on the fly, the GPU computes in float with dequantized
// weights, so they differ by activation quantization noise.
INSTANTIATE_TEST_SUITE_P(SharedModels, GpuModelTest,
                         ::testing::Values(ModelCase{"vww_96_float", 1e-4},
                                           ModelCase{"pretrainedResnet", 1e-4},
                                           ModelCase{"ad01_fp32", 1e-4},
                                           ModelCase{"kws_ref_model_float32", 5e-3},
                                           ModelCase{"mobilenet_v2_1.0_224", 5e-3}),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           std::replace_if(
                               n.begin(), n.end(), [](char ch) { return !isalnum(ch); }, '_');
                           return n;
                         });

TEST(GpuModelTest, SyntheticMobileNetV2Float224) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  auto graph = tools::MakeZooModel("mobilenet_v2_1.0_224");
  ASSERT_TRUE(graph.ok());
  auto bytes = writer::SerializeGraph(*graph);
  ASSERT_TRUE(bytes.ok());
  auto model = reader::ReadModelFromBytes(*bytes);
  ASSERT_TRUE(model.ok());
  Result r;
  RunBoth(model->graph, *bytes, nullptr, &r);
  std::printf(
      "mobilenet_v2_1.0_224 float (zoo): %d/%d nodes on GPU, %d dispatches, max |err| "
      "%.3g (max |ref| %.3g)\n",
      r.gpu_nodes, r.nodes, r.dispatches, r.max_err, r.max_ref);
  EXPECT_LE(r.max_err, 1e-4 * std::max(1.0, r.max_ref));
  EXPECT_TRUE(r.top1_equal);
}

// The float copy of the real quantized MobileNetV2 on the GPU still answers
// "Egyptian cat" for cat.bmp.
TEST(GpuModelTest, DequantizedMobileNetV2ClassifiesCat) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  const std::string path = SharedPath("models/mobilenet_v2_1.0_224_quant.tflite");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  auto quant = reader::ReadModelFile(path);
  ASSERT_TRUE(quant.ok());
  auto deq = transform::DequantizeModel(quant->graph);
  ASSERT_TRUE(deq.ok()) << deq.status().ToString();
  auto bytes = writer::SerializeGraph(deq->graph);
  ASSERT_TRUE(bytes.ok());
  auto model = reader::ReadModelFromBytes(*bytes);
  ASSERT_TRUE(model.ok());
  auto image = tools::ReadBmp(SharedPath("images/cat.bmp"));
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  tools::RgbImage rgb = tools::ResizeBilinear(tools::CenterCropSquare(*image), 224, 224);
  // Real values of the quantized model's input: 0.0078125 * (q - 128).
  const ir::Quantization& iq = deq->input_quant[0];
  tools::HostTensor in;
  in.type = ir::DataType::kFloat32;
  in.shape = {1, 224, 224, 3};
  in.bytes.resize(224 * 224 * 3 * sizeof(float));
  float* px = reinterpret_cast<float*>(in.bytes.data());
  for (size_t i = 0; i < rgb.rgb.size(); ++i) {
    px[i] = iq.scale[0] * (static_cast<float>(rgb.rgb[i]) - iq.zero_point[0]);
  }
  std::vector<tools::HostTensor> inputs = {in};
  Result r;
  RunBoth(model->graph, *bytes, &inputs, &r);
  EXPECT_TRUE(r.top1_equal);
  EXPECT_LE(r.max_err, 1e-4 * std::max(1.0, r.max_ref));
  // And the class itself, from our output.
  auto ctx = test::SharedGpuContext();
  RunnerOptions ro;
  ro.shared_context = ctx;
  auto runner = ModelRunner::Create(model->graph, ro);
  ASSERT_TRUE(runner.ok());
  ASSERT_TRUE((*runner)->AllocateTensors().ok());
  std::memcpy((*runner)->input_data(0), in.bytes.data(), in.bytes.size());
  ASSERT_TRUE((*runner)->Invoke().ok());
  const ir::Tensor& ot = (*runner)->output_tensor(0);
  const float* probs = reinterpret_cast<const float*>((*runner)->output_data(0));
  const int64_t top = std::max_element(probs, probs + ot.num_elements()) - probs;
  std::ifstream labels(SharedPath("images/imagenet_labels.txt"));
  std::string label;
  for (int64_t i = 0; i <= top && std::getline(labels, label); ++i) {
  }
  std::printf("cat.bmp on the GPU: %s (%.3f), %d dispatches\n", label.c_str(), probs[top],
              r.dispatches);
  EXPECT_EQ(label, "Egyptian cat");
}

// fp16 storage and arithmetic (--gpu_precision_loss_allowed): the error is
// measured and printed, bounded only loosely; the winning class must hold.
TEST(GpuModelTest, Fp16ErrorIsMeasured) {
  if (!test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device";
  std::vector<std::pair<std::string, std::vector<uint8_t>>> models;
  for (const char* name : {"vww_96_float", "pretrainedResnet", "mobilenet_v2_1.0_224"}) {
    const std::string path = SharedPath(std::string("models/") + name + ".tflite");
    if (std::ifstream(path)) models.emplace_back(name, ReadBytes(path));
  }
  auto zoo = tools::MakeZooModel("mobilenet_v2_1.0_224");
  ASSERT_TRUE(zoo.ok());
  auto zoo_bytes = writer::SerializeGraph(*zoo);
  ASSERT_TRUE(zoo_bytes.ok());
  models.emplace_back("mobilenet_v2_1.0_224 float (zoo)", *zoo_bytes);
  for (const auto& [name, bytes] : models) {
    auto model = reader::ReadModelFromBytes(bytes);
    ASSERT_TRUE(model.ok());
    Result r;
    RunBoth(model->graph, bytes, nullptr, &r, /*fp16=*/true);
    std::printf("fp16 %s: max |err| %.3g (max |ref| %.3g, relative %.3g), top-1 %s\n",
                name.c_str(), r.max_err, r.max_ref, r.max_err / std::max(1.0, r.max_ref),
                r.top1_equal ? "equal" : "DIFFERS");
    EXPECT_LE(r.max_err, 5e-2 * std::max(1.0, r.max_ref)) << name;
  }
}

}  // namespace
}  // namespace vkd
