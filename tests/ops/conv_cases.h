// The CONV_2D and DEPTHWISE_CONV_2D cases the conv sweeps share: one
// description (window, channels, activation, bias, float or int8 filter) and
// one builder for both ops, so every backend's body runs the same graphs.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "model/writer/graph_builder.h"
#include "ops/window.h"
#include "tests/util/backend_test.h"

namespace vkd::test {

enum class FilterKind { kFloat, kInt8PerTensor, kInt8PerChannel };

struct ConvCase {
  bool depthwise = false;
  int batch = 1;
  int height = 7, width = 6;
  // Depthwise: output_channels is a multiple of input_channels (the depth
  // multiplier is their ratio).
  int input_channels = 3, output_channels = 5;
  int filter_size = 3;
  int stride = 1;
  int dilation = 1;
  ir::Padding padding = ir::Padding::kSame;
  ir::Activation activation = ir::Activation::kNone;
  // TFLite 2.9's CONV_2D requires a bias, and its optimized float depthwise
  // kernel copies from a null pointer without one.
  bool bias = true;
  FilterKind filter = FilterKind::kFloat;

  std::string Label() const {
    return std::string(depthwise ? "DEPTHWISE" : "CONV") + " batch=" + std::to_string(batch) +
           " hw=" + std::to_string(height) + "x" + std::to_string(width) +
           " c=" + std::to_string(input_channels) + "->" + std::to_string(output_channels) +
           " k=" + std::to_string(filter_size) + " stride=" + std::to_string(stride) +
           " dilation=" + std::to_string(dilation) +
           (padding == ir::Padding::kSame ? " SAME" : " VALID") +
           " act=" + ir::ActivationName(activation) + (bias ? " bias" : " no-bias") + " filter=" +
           (filter == FilterKind::kFloat           ? "float"
            : filter == FilterKind::kInt8PerTensor ? "int8/tensor"
                                                   : "int8/channel");
  }

  // Terms in one output's dot product.
  int64_t DotLength() const {
    return int64_t{filter_size} * filter_size * (depthwise ? 1 : input_channels);
  }

  int OutputSize(int in) const {
    return ops::ComputeOutputSize(padding, in, filter_size, stride, dilation);
  }
};

// The bounds a conv case is held to on each backend (Bounds::Dot, ::Hybrid).
inline Bounds ConvBounds(const ConvCase& c) {
  return c.filter == FilterKind::kFloat ? Bounds::Dot(c.DotLength())
                                        : Bounds::Hybrid(c.DotLength());
}

// Returns false (and builds nothing) when the VALID window does not fit.
inline bool BuildConv(const ConvCase& c, uint32_t seed, ir::Graph* graph) {
  const int out_h = c.OutputSize(c.height), out_w = c.OutputSize(c.width);
  if (out_h <= 0 || out_w <= 0) return false;
  writer::GraphBuilder b;
  const int input =
      b.AddInput(ir::DataType::kFloat32, {c.batch, c.height, c.width, c.input_channels});
  const ir::Shape filter_shape =
      c.depthwise ? ir::Shape{1, c.filter_size, c.filter_size, c.output_channels}
                  : ir::Shape{c.output_channels, c.filter_size, c.filter_size, c.input_channels};
  const size_t filter_count = ir::NumElements(filter_shape);
  int filter;
  if (c.filter == FilterKind::kFloat) {
    filter = b.AddConstant<float>(filter_shape, RandomFloats(filter_count, seed + 1));
  } else {
    ir::Quantization q;
    if (c.filter == FilterKind::kInt8PerTensor) {
      q.scale = {0.0123f};
      q.zero_point = {0};
    } else {
      q.scale = RandomFloats(c.output_channels, seed + 3, 0.002f, 0.03f);
      q.zero_point.assign(c.output_channels, 0);
      q.quantized_dimension = c.depthwise ? 3 : 0;
    }
    filter = b.AddConstant<int8_t>(filter_shape, RandomInt8(filter_count, seed + 1), "filter", q);
  }
  std::vector<int32_t> inputs = {input, filter};
  if (c.bias) {
    inputs.push_back(b.AddConstant<float>({c.output_channels},
                                          RandomFloats(c.output_channels, seed + 2, -0.5f, 0.5f)));
  }
  const int output =
      b.AddTensor(ir::DataType::kFloat32, {c.batch, out_h, out_w, c.output_channels});
  if (c.depthwise) {
    ir::DepthwiseConv2DOptions options;
    options.padding = c.padding;
    options.stride_h = options.stride_w = c.stride;
    options.dilation_h = options.dilation_w = c.dilation;
    options.depth_multiplier = c.output_channels / c.input_channels;
    options.activation = c.activation;
    // Version 2 brings dilation; version 6 hybrid filters.
    b.AddNode(ir::OpType::kDepthwiseConv2d, inputs, {output}, options,
              c.filter == FilterKind::kFloat ? 2 : 6);
  } else {
    ir::Conv2DOptions options;
    options.padding = c.padding;
    options.stride_h = options.stride_w = c.stride;
    options.dilation_h = options.dilation_w = c.dilation;
    options.activation = c.activation;
    // Version 2 covers dilation and hybrid filters.
    b.AddNode(ir::OpType::kConv2d, inputs, {output}, options, /*version=*/2);
  }
  b.MarkOutput(output);
  *graph = b.Build();
  return true;
}

inline constexpr ir::Activation kConvActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                                      ir::Activation::kRelu6,
                                                      ir::Activation::kReluN1To1};

// The window sweep the conv bodies share: `base` (op, filter kind) over
// kernel sizes, strides and dilations 1-2, both paddings and the {input,
// output} channel pairs, with activation and batch rotating. visit(case, n)
// gets a 1-based running index for seeds.
template <typename Visit>
void ForEachWindow(const ConvCase& base, const std::vector<std::pair<int, int>>& channel_pairs,
                   std::initializer_list<int> filter_sizes, Visit visit) {
  int index = 0;
  for (int filter_size : filter_sizes) {
    for (int stride : {1, 2}) {
      for (int dilation : {1, 2}) {
        for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
          for (const auto& [in_c, out_c] : channel_pairs) {
            ConvCase c = base;
            c.filter_size = filter_size;
            c.stride = stride;
            c.dilation = dilation;
            c.padding = padding;
            c.input_channels = in_c;
            c.output_channels = out_c;
            c.activation = kConvActivations[index % 4];
            c.batch = 1 + index % 2;
            visit(c, ++index);
          }
        }
      }
    }
  }
}

// Checks every window of ForEachWindow(base, ...) on `t`'s backend against
// TFLite; graph and input seeds follow the running index. `variant` forces a
// GPU kernel variant.
inline void CheckWindows(const BackendTest& t, const ConvCase& base,
                         const std::vector<std::pair<int, int>>& channel_pairs,
                         std::initializer_list<int> filter_sizes, uint32_t graph_seed,
                         uint32_t input_seed, const std::string& variant = "") {
  ForEachWindow(base, channel_pairs, filter_sizes, [&](const ConvCase& c, int index) {
    ir::Graph graph;
    if (!BuildConv(c, graph_seed + index, &graph)) return;
    CompareOptions options;
    options.seed = input_seed + index;
    options.force_variant = variant;
    options.label = c.Label() + (variant.empty() ? "" : " " + variant);
    EXPECT_TRUE(t.Matches(graph, options, ConvBounds(c)));
  });
}

}  // namespace vkd::test
