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
//
// The model runs through the public C API (include/vkdelegate/runner.h), as a
// program linking libvkdelegate.so would; BMP reading and flags are the
// tools' own.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/flags.h"
#include "bench/image.h"
#include "vkdelegate/runner.h"

namespace {

using vkd::Status;

int Fail(const std::string& message) {
  std::fprintf(stderr, "vkd-classify-image: %s\n", message.c_str());
  return 1;
}

// The image as the model's input bytes, in the input's element type
// (TFLite's numbering: 0 FLOAT32, 3 UINT8, 9 INT8).
Status ImageBytes(const vkd::tools::RgbImage& rgb, const VkdTensorInfo& in,
                  std::vector<uint8_t>* bytes) {
  const size_t n = rgb.rgb.size();
  const size_t element = in.type == 0 ? 4 : 1;
  if (in.bytes != n * element) {
    return vkd::InvalidArgumentError("input holds " + std::to_string(in.bytes) +
                                     " bytes, the image " + std::to_string(n) + " values");
  }
  bytes->resize(in.bytes);
  switch (in.type) {
    case 3:  // UINT8
      std::memcpy(bytes->data(), rgb.rgb.data(), n);
      return Status::Ok();
    case 9:  // INT8
      for (size_t i = 0; i < n; ++i) (*bytes)[i] = static_cast<uint8_t>(rgb.rgb[i] - 128);
      return Status::Ok();
    case 0: {  // FLOAT32
      for (size_t i = 0; i < n; ++i) {
        const float f = rgb.rgb[i] / 127.5f - 1.0f;
        std::memcpy(bytes->data() + 4 * i, &f, 4);
      }
      return Status::Ok();
    }
    default:
      return vkd::UnimplementedError(std::string("input type ") + in.type_name);
  }
}

// The output as probabilities (quantized outputs dequantized).
std::vector<float> Scores(const VkdTensorInfo& t, const std::vector<uint8_t>& data) {
  const size_t count = t.type == 0 ? data.size() / 4 : data.size();
  std::vector<float> s(count);
  const float scale = t.scale != 0 ? t.scale : 1.0f;
  const float zero = static_cast<float>(t.zero_point);
  for (size_t i = 0; i < count; ++i) {
    switch (t.type) {
      case 3:
        s[i] = scale * (data[i] - zero);
        break;
      case 9:
        s[i] = scale * (static_cast<int8_t>(data[i]) - zero);
        break;
      default:
        std::memcpy(&s[i], data.data() + 4 * i, 4);
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
  flags.Define("gpu_device", "auto",
               "auto (the best hardware GPU), any (software Vulkan devices too) or an index");
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
  auto device = tools::ParseDeviceFlag(flags.GetString("gpu_device"));
  if (!device.ok()) return Fail(device.status().message());
  VkdRunnerOptions ro = VkdRunnerOptionsDefault();
  ro.use_gpu = *use_gpu;
  ro.device_index = *device;
  ro.num_threads = *threads;
  ro.enable_quant = *enable_quant;
  VkdRunner* runner = nullptr;
  if (VkdRunnerCreateFromFile(flags.GetString("model").c_str(), &ro, &runner) != kVkdOk ||
      VkdRunnerAllocateTensors(runner) != kVkdOk) {
    const std::string error = VkdLastError();
    VkdRunnerDelete(runner);
    return Fail(error);
  }
  // Deletes the runner on every return below.
  std::unique_ptr<VkdRunner, void (*)(VkdRunner*)> owner(runner, VkdRunnerDelete);
  VkdTensorInfo in, out;
  if (VkdRunnerInputInfo(runner, 0, &in) != kVkdOk ||
      VkdRunnerOutputInfo(runner, 0, &out) != kVkdOk) {
    return Fail(VkdLastError());
  }
  if (in.num_dims != 4 || in.dims[0] != 1 || in.dims[3] != 3) {
    return Fail("expected a [1, H, W, 3] image input");
  }
  std::vector<uint8_t> input, output(out.bytes);
  for (const std::string& path : images) {
    auto image = tools::ReadBmp(path);
    if (!image.ok()) return Fail(path + ": " + image.status().message());
    const tools::RgbImage rgb =
        tools::ResizeBilinear(tools::CenterCropSquare(*image), in.dims[2], in.dims[1]);
    if (Status s = ImageBytes(rgb, in, &input); !s.ok()) return Fail(s.message());
    if (VkdRunnerSetInput(runner, 0, input.data(), input.size()) != kVkdOk ||
        VkdRunnerInvoke(runner) != kVkdOk ||
        VkdRunnerGetOutput(runner, 0, output.data(), output.size()) != kVkdOk) {
      return Fail(VkdLastError());
    }
    const std::vector<float> scores = Scores(out, output);
    std::vector<int> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const int k = std::min<int>(*top, static_cast<int>(order.size()));
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) {
      return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    });
    std::printf("%s:\n", path.c_str());
    for (int i = 0; i < k; ++i) {
      const int c = order[i];
      std::printf("  %.3f  %4d  %s\n", scores[c], c,
                  c < static_cast<int>(labels.size()) ? labels[c].c_str() : "");
    }
  }
  return 0;
}
