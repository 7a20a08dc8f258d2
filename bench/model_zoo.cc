#include "bench/model_zoo.h"

#include <cmath>
#include <random>

#include "model/writer/graph_builder.h"

namespace vkd::tools {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;

// Channel counts rounded to multiples of 8, never below 90% of the target
// (the rule of the MobileNet papers' reference code).
int MakeDivisible(float v, int divisor = 8) {
  int n = std::max(divisor, static_cast<int>(v + divisor / 2.0f) / divisor * divisor);
  if (n < 0.9f * v) n += divisor;
  return n;
}

class NetBuilder {
 public:
  explicit NetBuilder(uint32_t seed) : rng_(seed) {}

  writer::GraphBuilder& b() { return b_; }

  std::vector<float> Normal(size_t n, float stddev) {
    std::normal_distribution<float> d(0.0f, stddev);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng_);
    return v;
  }

  // NHWC activation shape bookkeeping.
  struct Act {
    int tensor;
    int h, w, c;
  };

  Act Conv(const Act& x, int out_c, int k, int stride, Activation act, const std::string& name) {
    const int fan_in = k * k * x.c;
    int w = b_.AddConstant<float>({out_c, k, k, x.c},
                                  Normal(size_t(out_c) * k * k * x.c, std::sqrt(2.0f / fan_in)),
                                  name + "/weights");
    int bias = b_.AddConstant<float>({out_c}, Normal(out_c, 0.01f), name + "/bias");
    const int oh = (x.h + stride - 1) / stride, ow = (x.w + stride - 1) / stride;
    int y = b_.AddTensor(DataType::kFloat32, {1, oh, ow, out_c}, name);
    ir::Conv2DOptions o;
    o.padding = ir::Padding::kSame;
    o.stride_w = o.stride_h = stride;
    o.activation = act;
    b_.AddNode(OpType::kConv2d, {x.tensor, w, bias}, {y}, o, /*version=*/1);
    return {y, oh, ow, out_c};
  }

  Act Depthwise(const Act& x, int stride, Activation act, const std::string& name) {
    int w = b_.AddConstant<float>({1, 3, 3, x.c}, Normal(size_t(9) * x.c, std::sqrt(2.0f / 9)),
                                  name + "/weights");
    int bias = b_.AddConstant<float>({x.c}, Normal(x.c, 0.01f), name + "/bias");
    const int oh = (x.h + stride - 1) / stride, ow = (x.w + stride - 1) / stride;
    int y = b_.AddTensor(DataType::kFloat32, {1, oh, ow, x.c}, name);
    ir::DepthwiseConv2DOptions o;
    o.padding = ir::Padding::kSame;
    o.stride_w = o.stride_h = stride;
    o.depth_multiplier = 1;
    o.activation = act;
    b_.AddNode(OpType::kDepthwiseConv2d, {x.tensor, w, bias}, {y}, o, /*version=*/1);
    return {y, oh, ow, x.c};
  }

  Act Add(const Act& a, const Act& c, const std::string& name) {
    int y = b_.AddTensor(DataType::kFloat32, {1, a.h, a.w, a.c}, name);
    b_.AddNode(OpType::kAdd, {a.tensor, c.tensor}, {y}, ir::ElementwiseOptions{});
    return {y, a.h, a.w, a.c};
  }

 private:
  writer::GraphBuilder b_;
  std::mt19937 rng_;
};

}  // namespace

ir::Graph MakeMobileNetV2(const MobileNetV2Config& cfg) {
  NetBuilder nb(cfg.seed);
  auto& b = nb.b();
  const int res = cfg.resolution;
  int input = b.AddInput(DataType::kFloat32, {1, res, res, 3}, "input");
  if (cfg.dynamic_batch) b.SetShapeSignature(input, {-1, res, res, 3});
  NetBuilder::Act x{input, res, res, 3};

  x = nb.Conv(x, MakeDivisible(32 * cfg.alpha), 3, 2, Activation::kRelu6, "Conv1");
  struct Stage {
    int expand, channels, repeats, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int block = 0;
  for (const Stage& s : stages) {
    const int out_c = MakeDivisible(s.channels * cfg.alpha);
    for (int r = 0; r < s.repeats; ++r, ++block) {
      const std::string name = "block_" + std::to_string(block);
      const int stride = r == 0 ? s.stride : 1;
      NetBuilder::Act h = x;
      if (s.expand != 1) h = nb.Conv(h, x.c * s.expand, 1, 1, Activation::kRelu6, name + "/expand");
      h = nb.Depthwise(h, stride, Activation::kRelu6, name + "/depthwise");
      h = nb.Conv(h, out_c, 1, 1, Activation::kNone, name + "/project");
      if (stride == 1 && x.c == out_c) h = nb.Add(x, h, name + "/add");
      x = h;
    }
  }
  const int last_c = cfg.alpha > 1.0f ? MakeDivisible(1280 * cfg.alpha) : 1280;
  x = nb.Conv(x, last_c, 1, 1, Activation::kRelu6, "Conv_1");

  // Global average pool, flatten, classifier, softmax.
  int pooled = b.AddTensor(DataType::kFloat32, {1, 1, 1, last_c}, "pool");
  ir::Pool2DOptions po;
  po.padding = ir::Padding::kValid;
  po.filter_h = x.h;
  po.filter_w = x.w;
  b.AddNode(OpType::kAveragePool2d, {x.tensor}, {pooled}, po);
  int shape = b.AddConstant<int32_t>({2}, {-1, last_c}, "flatten/shape");
  int flat = b.AddTensor(DataType::kFloat32, {1, last_c}, "flatten");
  b.AddNode(OpType::kReshape, {pooled, shape}, {flat}, ir::ReshapeOptions{});
  int fc_w = b.AddConstant<float>(
      {cfg.num_classes, last_c},
      nb.Normal(size_t(cfg.num_classes) * last_c, std::sqrt(1.0f / last_c)), "logits/weights");
  int fc_b =
      b.AddConstant<float>({cfg.num_classes}, nb.Normal(cfg.num_classes, 0.01f), "logits/bias");
  int logits = b.AddTensor(DataType::kFloat32, {1, cfg.num_classes}, "logits");
  b.AddNode(OpType::kFullyConnected, {flat, fc_w, fc_b}, {logits}, ir::FullyConnectedOptions{});
  int probs = b.AddTensor(DataType::kFloat32, {1, cfg.num_classes}, "probabilities");
  b.AddNode(OpType::kSoftmax, {logits}, {probs}, ir::SoftmaxOptions{1.0f});
  b.MarkOutput(probs);
  ir::Graph g = b.Build();
  g.name = "mobilenet_v2";
  return g;
}

std::vector<std::string> ZooModelNames() {
  return {"mobilenet_v2_0.35_96", "mobilenet_v2_1.0_224"};
}

StatusOr<ir::Graph> MakeZooModel(const std::string& name) {
  MobileNetV2Config cfg;
  if (name == "mobilenet_v2_0.35_96") {
    cfg.alpha = 0.35f;
    cfg.resolution = 96;
    cfg.num_classes = 10;
  } else if (name == "mobilenet_v2_1.0_224") {
    // defaults
  } else {
    std::string known;
    for (const auto& n : ZooModelNames()) known += " " + n;
    return NotFoundError("no model '" + name + "' in the zoo (known:" + known + ")");
  }
  return MakeMobileNetV2(cfg);
}

}  // namespace vkd::tools
