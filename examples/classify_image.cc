// classify_image: the top-5 ImageNet classes of BMP images with a .tflite
// classifier, run by vkdelegate (GPU where it can, its CPU kernels — int8 and
// uint8 included — for the rest).
//
//   vkd-classify-image --model=mobilenet_v2_1.0_224_quant.tflite
//       --labels=imagenet_labels.txt cat.bmp grace_hopper.bmp
//
// Preprocessing is TFLite's reference one for these models: the largest
// centred square, resized bilinearly to the model's input size, RGB. The
// pixels enter the model as the input type asks: uint8 as they are, int8
// shifted by -128, float32 scaled to [-1, 1].
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bench/flags.h"
#include "bench/image.h"
#include "delegate/model_runner.h"
#include "delegate/reader/model_reader.h"

namespace {

using vkd::Status;

int Fail(const std::string& message) {
  std::fprintf(stderr, "vkd-classify-image: %s\n", message.c_str());
  return 1;
}

// Fills the model's input with the image, in the input's element type.
Status SetImage(const vkd::tools::RgbImage& rgb, const vkd::ir::Tensor& spec, uint8_t* data) {
  const size_t n = rgb.rgb.size();
  if (static_cast<size_t>(spec.num_elements()) != n) {
    return vkd::InvalidArgumentError("input " + vkd::ir::ShapeToString(spec.shape) + " holds " +
                                     std::to_string(spec.num_elements()) + " values, image " +
                                     std::to_string(n));
  }
  switch (spec.type) {
    case vkd::ir::DataType::kUInt8:
      std::memcpy(data, rgb.rgb.data(), n);
      return Status::Ok();
    case vkd::ir::DataType::kInt8:
      for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(rgb.rgb[i] - 128);
      return Status::Ok();
    case vkd::ir::DataType::kFloat32: {
      auto* f = reinterpret_cast<float*>(data);
      for (size_t i = 0; i < n; ++i) f[i] = rgb.rgb[i] / 127.5f - 1.0f;
      return Status::Ok();
    }
    default:
      return vkd::UnimplementedError(std::string("input type ") +
                                     vkd::ir::DataTypeName(spec.type));
  }
}

// The output as probabilities (quantized outputs dequantized).
std::vector<float> Scores(const vkd::ir::Tensor& t, const uint8_t* data) {
  std::vector<float> s(t.num_elements());
  const float scale = t.quant.empty() ? 1.0f : t.quant.scale[0];
  const float zero = t.quant.empty() ? 0.0f : static_cast<float>(t.quant.zero_point[0]);
  for (size_t i = 0; i < s.size(); ++i) {
    switch (t.type) {
      case vkd::ir::DataType::kUInt8:
        s[i] = scale * (data[i] - zero);
        break;
      case vkd::ir::DataType::kInt8:
        s[i] = scale * (static_cast<int8_t>(data[i]) - zero);
        break;
      default:
        s[i] = reinterpret_cast<const float*>(data)[i];
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vkd;
  tools::Flags flags;
  flags.Define("model", "", "the .tflite classifier");
  flags.Define("labels", "", "one label per line, in output order");
  flags.Define("top", "5", "classes to print per image");
  flags.Define("use_gpu", "true", "run supported ops on the GPU");
  flags.Define("num_threads", "1", "CPU threads");
  flags.Define("enable_quant", "false",
               "quantized models: run their int8/uint8 ops in float on the GPU");
  flags.Define("help", "false", "print this help");
  std::vector<std::string> images;
  std::vector<char*> flag_args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--", 2) == 0) {
      flag_args.push_back(argv[i]);
    } else {
      images.push_back(argv[i]);
    }
  }
  if (Status s = flags.Parse(static_cast<int>(flag_args.size()), flag_args.data()); !s.ok()) {
    return Fail(s.message());
  }
  if (flags.GetString("help") == "true" || flags.GetString("model").empty() || images.empty()) {
    std::printf("usage: vkd-classify-image --model=M.tflite [--labels=L.txt] IMAGE.bmp...\n%s",
                flags.Usage("vkd-classify-image").c_str());
    return flags.GetString("help") == "true" ? 0 : 2;
  }
  auto top = flags.GetInt("top");
  auto use_gpu = flags.GetBool("use_gpu");
  auto threads = flags.GetInt("num_threads");
  auto enable_quant = flags.GetBool("enable_quant");
  if (!top.ok() || !use_gpu.ok() || !threads.ok() || !enable_quant.ok()) {
    return Fail("bad --top/--use_gpu/--num_threads/--enable_quant");
  }

  std::vector<std::string> labels;
  if (!flags.GetString("labels").empty()) {
    std::ifstream f(flags.GetString("labels"));
    if (!f) return Fail("cannot open '" + flags.GetString("labels") + "'");
    for (std::string line; std::getline(f, line);) labels.push_back(line);
  }
  auto model = reader::ReadModelFile(flags.GetString("model"));
  if (!model.ok()) return Fail(model.status().message());
  RunnerOptions ro;
  ro.use_gpu = *use_gpu;
  ro.cpu.num_threads = *threads;
  ro.enable_quant = *enable_quant;
  auto runner = ModelRunner::Create(model->graph, ro);
  if (!runner.ok()) return Fail(runner.status().message());
  if (Status s = (*runner)->AllocateTensors(); !s.ok()) return Fail(s.message());
  const ir::Tensor& in = (*runner)->input_tensor(0);
  if (in.shape.size() != 4 || in.shape[0] != 1 || in.shape[3] != 3) {
    return Fail("expected a [1, H, W, 3] image input, got " + ir::ShapeToString(in.shape));
  }
  for (const std::string& path : images) {
    auto image = tools::ReadBmp(path);
    if (!image.ok()) return Fail(path + ": " + image.status().message());
    const tools::RgbImage rgb = tools::ResizeBilinear(tools::CenterCropSquare(*image),
                                                      in.shape[2], in.shape[1]);
    if (Status s = SetImage(rgb, in, (*runner)->input_data(0)); !s.ok()) return Fail(s.message());
    if (Status s = (*runner)->Invoke(); !s.ok()) return Fail(s.message());
    const std::vector<float> scores =
        Scores((*runner)->output_tensor(0), (*runner)->output_data(0));
    std::vector<int> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const int k = std::min<int>(*top, static_cast<int>(order.size()));
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    std::printf("%s:\n", path.c_str());
    for (int i = 0; i < k; ++i) {
      const int c = order[i];
      std::printf("  %.3f  %4d  %s\n", scores[c], c,
                  c < static_cast<int>(labels.size()) ? labels[c].c_str() : "");
    }
  }
  return 0;
}
