// The pooling / reduction / data-movement nodes of the shared quantized
// models, each cut out into a one-node graph (same tensors, options,
// version, constants) and compared with TFLite 2.9 on random inputs over
// the full int8/uint8 range: the exact configurations the models use, even
// where the rest of the model is not runnable on the CPU interpreter yet.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "model/reader/model_reader.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

bool IsFamilyOp(ir::OpType op) {
  switch (op) {
    case ir::OpType::kAveragePool2d:
    case ir::OpType::kMaxPool2d:
    case ir::OpType::kMean:
    case ir::OpType::kSum:
    case ir::OpType::kReshape:
    case ir::OpType::kSqueeze:
    case ir::OpType::kExpandDims:
    case ir::OpType::kPad:
    case ir::OpType::kPadv2:
    case ir::OpType::kConcatenation:
    case ir::OpType::kResizeBilinear:
    case ir::OpType::kResizeNearestNeighbor:
    case ir::OpType::kArgMax:
    case ir::OpType::kGatherNd:
    case ir::OpType::kPack:
    case ir::OpType::kUnpack:
    case ir::OpType::kSplit:
    case ir::OpType::kStridedSlice:
    case ir::OpType::kSlice:
    case ir::OpType::kTile:
    case ir::OpType::kTranspose:
      return true;
    default:
      return false;
  }
}

// Node `n` of `g` alone: its activation inputs become graph inputs.
ir::Graph CutNode(const ir::Graph& g, int n) {
  const ir::Node& node = g.nodes[n];
  ir::Graph out;
  out.keep_alive = g.keep_alive;
  std::map<int32_t, int32_t> remap;
  auto add = [&](int32_t t) {
    if (t == ir::kNoTensor) return t;
    auto it = remap.find(t);
    if (it != remap.end()) return it->second;
    const int32_t index = static_cast<int32_t>(out.tensors.size());
    out.tensors.push_back(g.tensors[t]);
    out.tensors.back().shape_signature.clear();
    remap[t] = index;
    return index;
  };
  ir::Node copy = node;
  for (int32_t& t : copy.inputs) {
    t = add(t);
    if (t != ir::kNoTensor && !out.tensors[t].is_constant()) out.inputs.push_back(t);
  }
  for (int32_t& t : copy.outputs) {
    t = add(t);
    out.outputs.push_back(t);
  }
  out.nodes.push_back(copy);
  return out;
}

TEST(QuantizedModelNodesTest, SharedModels) {
  const char* models[] = {"mobilenet_v1_0.25_128_quant",
                          "mobilenet_v2_1.0_224_quant",
                          "tf2_mobilenet_v2_1.0_224_ptq",
                          "deeplabv3_mnv2_dm05_pascal_quant",
                          "movenet_single_pose_lightning_ptq",
                          "vww_96_int8",
                          "ad01_int8",
                          "pretrainedResnet_quant",
                          "kws_ref_model"};
  int checked = 0;
  std::map<std::string, int> per_op;
  for (const char* name : models) {
    const std::string path = std::string(VKD_SHARED_DIR) + "/models/" + name + ".tflite";
    if (!std::ifstream(path)) continue;
    auto model = reader::ReadModelFile(path);
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    const ir::Graph& g = model->graph;
    for (int n = 0; n < static_cast<int>(g.nodes.size()); ++n) {
      const ir::Node& node = g.nodes[n];
      if (!IsFamilyOp(node.op)) continue;
      // Computed indices (GATHER_ND in movenet) would be random here: skip.
      if (node.op == ir::OpType::kGatherNd && !g.tensors[node.inputs[1]].is_constant()) continue;
      const ir::DataType type = g.tensors[node.inputs[0]].type;
      test::CompareOptions opts;
      opts.label = std::string(name) + " " + ir::NodeLabel(g, n);
      if (type == ir::DataType::kUInt8) {
        opts.input_min = 0;
        opts.input_max = 255;
      } else if (type == ir::DataType::kInt8) {
        opts.input_min = -128;
        opts.input_max = 127;
      }
      EXPECT_TRUE(test::BothKernelsMatchTfLite(CutNode(g, n), opts, 0));
      ++checked;
      ++per_op[ir::OpTypeName(node.op) + " " + ir::DataTypeName(type)];
    }
  }
  if (checked == 0) GTEST_SKIP() << "no shared models present";
  std::string summary;
  for (const auto& [op, count] : per_op) summary += " " + op + " x" + std::to_string(count);
  std::printf("checked %d nodes:%s\n", checked, summary.c_str());
}

}  // namespace
}  // namespace vkd
