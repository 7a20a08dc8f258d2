// vkd-fuzz-seeds OUT_DIR: writes the seed corpora of the fuzz targets, made
// by the project itself (no downloaded models): OUT_DIR/model/*.tflite small
// graphs of the op families the CPU interpreter runs (float, int8 and
// hybrid weights, broadcasting, strided slices, reductions, data movement),
// OUT_DIR/npy/*.npy, OUT_DIR/plugin_options/*.txt.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/npy.h"
#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;

std::vector<float> Ramp(size_t n, float scale = 0.1f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>(static_cast<int>(i % 7) - 3);
  return v;
}

// One node, or a short chain, per seed: small, so each execution is fast.
std::vector<std::pair<std::string, ir::Graph>> Models() {
  std::vector<std::pair<std::string, ir::Graph>> out;
  {
    writer::GraphBuilder b;
    int x = b.AddInput(DataType::kFloat32, {1, 5, 5, 3}, "x");
    int w = b.AddConstant<float>({4, 3, 3, 3}, Ramp(108));
    int bias = b.AddConstant<float>({4}, Ramp(4));
    int y = b.AddTensor(DataType::kFloat32, {1, 5, 5, 4}, "conv");
    ir::Conv2DOptions o;
    o.activation = ir::Activation::kRelu6;
    b.AddNode(OpType::kConv2d, {x, w, bias}, {y}, o);
    int d = b.AddConstant<float>({1, 3, 3, 4}, Ramp(36));
    int z = b.AddTensor(DataType::kFloat32, {1, 3, 3, 4}, "dw");
    ir::DepthwiseConv2DOptions dw;
    dw.stride_h = dw.stride_w = 2;
    b.AddNode(OpType::kDepthwiseConv2d, {y, d, bias}, {z}, dw);
    int m = b.AddTensor(DataType::kFloat32, {1, 1, 1, 4}, "mean");
    int axes = b.AddConstant<int32_t>({2}, {1, 2});
    ir::ReducerOptions r;
    r.keep_dims = true;
    b.AddNode(OpType::kMean, {z, axes}, {m}, r);
    b.MarkOutput(m);
    out.emplace_back("conv_dw_mean", b.Build());
  }
  {
    writer::GraphBuilder b;
    int x = b.AddInput(DataType::kFloat32, {2, 3, 4}, "x");
    int c = b.AddConstant<float>({4}, Ramp(4));
    int y = b.AddTensor(DataType::kFloat32, {2, 3, 4}, "add");
    b.AddNode(OpType::kAdd, {x, c}, {y}, ir::ElementwiseOptions{});
    int begin = b.AddConstant<int32_t>({3}, {0, 1, 0});
    int end = b.AddConstant<int32_t>({3}, {2, 3, 4});
    int strides = b.AddConstant<int32_t>({3}, {1, 1, 2});
    int s = b.AddTensor(DataType::kFloat32, {2, 2, 2}, "slice");
    b.AddNode(OpType::kStridedSlice, {y, begin, end, strides}, {s}, ir::StridedSliceOptions{});
    int shape = b.AddConstant<int32_t>({2}, {4, 2});
    int r = b.AddTensor(DataType::kFloat32, {4, 2}, "reshape");
    b.AddNode(OpType::kReshape, {s, shape}, {r}, ir::ReshapeOptions{});
    int sm = b.AddTensor(DataType::kFloat32, {4, 2}, "softmax");
    b.AddNode(OpType::kSoftmax, {r}, {sm}, ir::SoftmaxOptions{1.0f});
    b.MarkOutput(sm);
    out.emplace_back("add_slice_reshape_softmax", b.Build());
  }
  {
    writer::GraphBuilder b;
    int x = b.AddInput(DataType::kFloat32, {2, 8}, "x");
    ir::Quantization q;
    q.scale = {0.02f};
    q.zero_point = {0};
    std::vector<int8_t> w(6 * 8);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(i * 7 % 255 - 127);
    int wt = b.AddConstant<int8_t>({6, 8}, w, "w", q);
    int y = b.AddTensor(DataType::kFloat32, {2, 6}, "fc");
    b.AddNode(OpType::kFullyConnected, {x, wt, ir::kNoTensor}, {y}, ir::FullyConnectedOptions{});
    b.MarkOutput(y);
    out.emplace_back("hybrid_fc", b.Build());
  }
  {
    writer::GraphBuilder b;
    ir::Quantization q;
    q.scale = {0.05f};
    q.zero_point = {-3};
    int x = b.AddInput(DataType::kInt8, {1, 4, 4, 2}, "x", q);
    int y = b.AddTensor(DataType::kInt8, {1, 2, 2, 2}, "pool", q);
    ir::Pool2DOptions p;
    p.filter_h = p.filter_w = p.stride_h = p.stride_w = 2;
    b.AddNode(OpType::kAveragePool2d, {x}, {y}, p);
    int z = b.AddTensor(DataType::kFloat32, {1, 2, 2, 2}, "deq");
    b.AddNode(OpType::kDequantize, {y}, {z});
    int c = b.AddTensor(DataType::kFloat32, {1, 2, 2, 4}, "concat");
    ir::ConcatenationOptions co;
    co.axis = 3;
    b.AddNode(OpType::kConcatenation, {z, z}, {c}, co);
    b.MarkOutput(c);
    out.emplace_back("int8_pool_dequantize_concat", b.Build());
  }
  return out;
}

}  // namespace
}  // namespace vkd

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vkd-fuzz-seeds OUT_DIR\n");
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dir = argv[1];
  for (const char* sub : {"model", "npy", "plugin_options"}) fs::create_directories(dir / sub);
  for (auto& [name, graph] : vkd::Models()) {
    auto bytes = vkd::writer::SerializeGraph(graph);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), bytes.status().ToString().c_str());
      return 1;
    }
    std::ofstream(dir / "model" / (name + ".tflite"), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  }
  vkd::tools::HostTensor t;
  t.type = vkd::ir::DataType::kFloat32;
  t.shape = {2, 3};
  t.bytes.assign(24, 0);
  if (!vkd::tools::WriteNpy((dir / "npy" / "f32_2x3.npy").string(), t).ok()) return 1;
  t.type = vkd::ir::DataType::kInt8;
  t.shape = {4};
  t.bytes.assign(4, 1);
  if (!vkd::tools::WriteNpy((dir / "npy" / "i8_4.npy").string(), t).ok()) return 1;
  const char* options[] = {"precision:fp16;device:-1;max_partitions:2",
                           "cache_dir:/tmp/x;enable_quant:true;log_level:verbose",
                           "tuning:full;gpu_memory_budget_mb:64;min_nodes_per_partition:3",
                           "validation:false;precision:fp32"};
  for (int i = 0; i < 4; ++i) {
    std::ofstream(dir / "plugin_options" / ("options" + std::to_string(i) + ".txt")) << options[i];
  }
  return 0;
}
