// PACK, UNPACK, SPLIT, TILE, TRANSPOSE, STRIDED_SLICE and SLICE against TFLite 2.9 for
// float32, int8, uint8, int32 and int64 (where TFLite takes the type), with
// quantized tensors sharing their parameters. Every axis, negative axes,
// TILE with multiples of 1. Exact. SPLIT_V and ARG_MIN against values computed
// here (TFLite needs options our schema lacks).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Quantized and integer tensors run on the CPU kernels only; the float32
// forms the GPU takes are held to TFLite on the GPU in gpu_*_test.cc.
VKD_BACKEND_TEST_SUITE(QuantizedMovementTest, kCpuBackends);

const DataType kTypes[] = {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32,
                           DataType::kInt64};

ir::Quantization Q(DataType type) {
  return test::QuantFor(type, 0.2f, type == DataType::kUInt8 ? 9 : -4);
}

TEST_P(QuantizedMovementTest, PackUnpack) {
  const Shape in = {2, 3, 4};
  for (DataType type : kTypes) {
    for (int axis = -4; axis <= 3; ++axis) {
      const int a = axis < 0 ? axis + 4 : axis;
      Shape packed = in;
      packed.insert(packed.begin() + a, 3);
      writer::GraphBuilder g;
      std::vector<int32_t> xs;
      for (int i = 0; i < 3; ++i)
        xs.push_back(g.AddInput(type, in, "x" + std::to_string(i), Q(type)));
      const int y = g.AddTensor(type, packed, "y", Q(type));
      g.AddNode(OpType::kPack, xs, {y}, ir::PackOptions{3, axis}, test::Int8Version(type));
      g.MarkOutput(y);
      EXPECT_TRUE(Matches(
          g.Build(),
          test::FullRange(type, "PACK " + test::TypeLabel(type) + " axis " + std::to_string(axis)),
          0));
    }
    if (type == DataType::kInt64) continue;  // TFLite 2.9's UNPACK has no int64
    for (int axis = -3; axis <= 2; ++axis) {
      const int a = axis < 0 ? axis + 3 : axis;
      Shape part = in;
      part.erase(part.begin() + a);
      writer::GraphBuilder g;
      const int x = g.AddInput(type, in, "x", Q(type));
      std::vector<int32_t> ys;
      for (int i = 0; i < in[a]; ++i) {
        ys.push_back(g.AddTensor(type, part, "y" + std::to_string(i), Q(type)));
      }
      g.AddNode(OpType::kUnpack, {x}, ys, ir::UnpackOptions{in[a], axis}, test::Int8Version(type));
      for (int y : ys) g.MarkOutput(y);
      EXPECT_TRUE(Matches(g.Build(),
                          test::FullRange(type, "UNPACK " + test::TypeLabel(type) + " axis " +
                                                    std::to_string(axis)),
                          0));
    }
  }
}

TEST_P(QuantizedMovementTest, Split) {
  const Shape in = {2, 6, 4};
  for (DataType type : {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32}) {
    // SPLIT version: int8 2, int32 3.
    const int split_version = type == DataType::kInt8 ? 2 : type == DataType::kInt32 ? 3 : 1;
    for (int axis : {0, 1, -1}) {
      const int a = axis < 0 ? axis + 3 : axis;
      const int parts = in[a];
      Shape part = in;
      part[a] = 1;
      writer::GraphBuilder g;
      const int ax = g.AddConstant<int32_t>({}, {axis}, "axis");
      const int x = g.AddInput(type, in, "x", Q(type));
      std::vector<int32_t> ys;
      for (int i = 0; i < parts; ++i)
        ys.push_back(g.AddTensor(type, part, "y" + std::to_string(i), Q(type)));
      g.AddNode(OpType::kSplit, {ax, x}, ys, ir::SplitOptions{parts}, split_version);
      for (int y : ys) g.MarkOutput(y);
      EXPECT_TRUE(Matches(
          g.Build(),
          test::FullRange(type, "SPLIT " + test::TypeLabel(type) + " axis " + std::to_string(axis)),
          0));
    }
  }
}

// Runs `graph` (one int32 input holding 0, 1, 2, ...) on both kernel sets
// and returns each output's values.
std::vector<std::vector<int32_t>> RunIota(const ir::Graph& graph, bool reference) {
  cpu::InterpreterOptions io;
  io.use_reference_kernels = reference;
  auto interp = cpu::Interpreter::Create(graph, io);
  EXPECT_TRUE(interp.ok()) << interp.status().ToString();
  if (!interp.ok()) return {};
  const Status s = (*interp)->AllocateTensors();
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  int32_t* in = reinterpret_cast<int32_t*>((*interp)->input_data(0));
  for (int64_t i = 0; i < (*interp)->input_tensor(0).num_elements(); ++i) {
    in[i] = static_cast<int32_t>(i);
  }
  EXPECT_TRUE((*interp)->Invoke().ok());
  std::vector<std::vector<int32_t>> outs;
  for (int o = 0; o < (*interp)->num_outputs(); ++o) {
    const int32_t* p = reinterpret_cast<const int32_t*>((*interp)->output_data(o));
    outs.emplace_back(p, p + (*interp)->output_tensor(o).num_elements());
  }
  return outs;
}

// SPLIT_V runs vkdelegate alone: our .tflite schema has no SplitVOptions,
// without which TFLite 2.9 refuses the node. Checked against slices
// computed here (it shares SPLIT's copy loop, which is checked above).
TEST(QuantizedMovementTest, SplitV) {
  const Shape in = {2, 6, 4};
  struct V {
    int axis;
    std::vector<int32_t> sizes;
    std::vector<int32_t> resolved;
  };
  for (const V& v : {V{1, {1, 2, 3}, {1, 2, 3}}, V{1, {4, -1}, {4, 2}}, V{-1, {1, 0, 3}, {1, 0, 3}},
                     V{0, {2}, {2}}}) {
    const int a = v.axis < 0 ? v.axis + 3 : v.axis;
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kInt32, in, "x");
    const int sizes =
        g.AddConstant<int32_t>({static_cast<int32_t>(v.sizes.size())}, v.sizes, "sizes");
    const int ax = g.AddConstant<int32_t>({}, {v.axis}, "axis");
    std::vector<int32_t> ys;
    for (size_t i = 0; i < v.sizes.size(); ++i) {
      Shape part = in;
      part[a] = v.resolved[i];
      ys.push_back(g.AddTensor(DataType::kInt32, part, "y" + std::to_string(i)));
    }
    g.AddNode(OpType::kSplitV, {x, sizes, ax}, ys,
              ir::SplitOptions{static_cast<int32_t>(v.sizes.size())});
    for (int y : ys) g.MarkOutput(y);
    // Expected: element (i, j, k) of the iota input is i*24 + j*4 + k.
    std::vector<std::vector<int32_t>> want(v.sizes.size());
    int32_t offset = 0;
    for (size_t o = 0; o < v.sizes.size(); ++o) {
      for (int i = 0; i < in[0]; ++i) {
        for (int j = 0; j < in[1]; ++j) {
          for (int k = 0; k < in[2]; ++k) {
            const int c[3] = {i, j, k};
            if (c[a] >= offset && c[a] < offset + v.resolved[o])
              want[o].push_back(i * 24 + j * 4 + k);
          }
        }
      }
      offset += v.resolved[o];
    }
    for (bool reference : {false, true}) {
      EXPECT_EQ(RunIota(g.Build(), reference), want) << "SPLIT_V axis " << v.axis;
    }
  }
}

// ARG_MIN likewise (no ArgMinOptions in our schema): vkdelegate alone.
TEST(QuantizedMovementTest, ArgMin) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kInt32, {2, 3}, "x");
  const int ax = g.AddConstant<int32_t>({1}, {1}, "axis");
  const int y = g.AddTensor(DataType::kInt32, {2}, "y");
  g.AddNode(OpType::kArgMin, {x, ax}, {y}, ir::ArgMaxOptions{DataType::kInt32});
  g.MarkOutput(y);
  // iota rows [0 1 2], [3 4 5]: the minimum is the first column.
  EXPECT_EQ(RunIota(g.Build(), false), (std::vector<std::vector<int32_t>>{{0, 0}}));
}

TEST_P(QuantizedMovementTest, TileAndTranspose) {
  struct TileCase {
    Shape in;
    std::vector<int32_t> multiples;
  };
  const TileCase tiles[] = {
      {{2, 3}, {2, 3}}, {{1, 4, 1, 3}, {1, 1, 5, 2}}, {{5}, {3}}, {{2, 1, 3}, {1, 4, 1}}};
  const std::vector<std::vector<int32_t>> perms = {{1, 0, 2}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}};
  for (DataType type : kTypes) {
    for (const TileCase& c : tiles) {
      for (bool int64_multiples : {false, true}) {
        Shape out = c.in;
        for (size_t d = 0; d < out.size(); ++d) out[d] *= c.multiples[d];
        const int rank = static_cast<int32_t>(c.in.size());
        writer::GraphBuilder g;
        const int x = g.AddInput(type, c.in, "x", Q(type));
        const int m = test::AddIntConstant(
            g, {rank}, std::vector<int64_t>(c.multiples.begin(), c.multiples.end()),
            int64_multiples, "multiples");
        const int y = g.AddTensor(type, out, "y", Q(type));
        g.AddNode(OpType::kTile, {x, m}, {y}, {}, 1);
        g.MarkOutput(y);
        EXPECT_TRUE(Matches(
            g.Build(),
            test::FullRange(type, "TILE " + test::TypeLabel(type) + " " + ir::ShapeToString(c.in) +
                                      (int64_multiples ? " int64" : "")),
            0));
      }
    }
    for (const auto& perm : perms) {
      const Shape in = {2, 3, 5};
      const Shape out = {in[perm[0]], in[perm[1]], in[perm[2]]};
      writer::GraphBuilder g;
      const int x = g.AddInput(type, in, "x", Q(type));
      const int p = g.AddConstant<int32_t>({3}, perm, "perm");
      const int y = g.AddTensor(type, out, "y", Q(type));
      g.AddNode(OpType::kTranspose, {x, p}, {y}, {}, test::Int8Version(type));
      g.MarkOutput(y);
      EXPECT_TRUE(
          Matches(g.Build(),
                  test::FullRange(type, "TRANSPOSE " + test::TypeLabel(type) + " perm " +
                                            std::to_string(perm[0]) + std::to_string(perm[1]) +
                                            std::to_string(perm[2])),
                  0));
    }
  }
}

TEST_P(QuantizedMovementTest, StridedSliceAndSlice) {
  const Shape in = {2, 5, 4, 6};
  struct Strided {
    std::vector<int32_t> begin, end, strides;
    int32_t begin_mask, end_mask, shrink_mask;
    Shape out;
  };
  const Strided strided[] = {
      {{0, 1, 0, 1}, {2, 5, 4, 5}, {1, 2, 3, 1}, 0, 0, 0, {2, 2, 2, 4}},
      {{-1, 4, -1, 5}, {-3, 0, -5, 0}, {-1, -1, -2, -5}, 0, 0, 0, {2, 4, 2, 1}},
      {{0, -2, 0, 1}, {0, 0, 4, 5}, {1, 1, 1, 2}, 1, 9, 2, {2, 4, 2}},
  };
  struct Sliced {
    std::vector<int32_t> begin, size;
    Shape out;
  };
  const Sliced sliced[] = {
      {{0, 1, 1, 2}, {2, 3, 2, 4}, {2, 3, 2, 4}},
      {{1, 0, 3, 0}, {-1, -1, 1, -1}, {1, 5, 1, 6}},
  };
  for (DataType type : kTypes) {
    for (const Strided& c : strided) {
      writer::GraphBuilder g;
      const int x = g.AddInput(type, in, "x", Q(type));
      const int b = g.AddConstant<int32_t>({4}, c.begin, "begin");
      const int e = g.AddConstant<int32_t>({4}, c.end, "end");
      const int st = g.AddConstant<int32_t>({4}, c.strides, "strides");
      const int y = g.AddTensor(type, c.out, "y", Q(type));
      ir::StridedSliceOptions o;
      o.begin_mask = c.begin_mask;
      o.end_mask = c.end_mask;
      o.shrink_axis_mask = c.shrink_mask;
      g.AddNode(OpType::kStridedSlice, {x, b, e, st}, {y}, o, test::Int8Version(type));
      g.MarkOutput(y);
      EXPECT_TRUE(Matches(g.Build(),
                          test::FullRange(type, "STRIDED_SLICE " + test::TypeLabel(type) + " -> " +
                                                    ir::ShapeToString(c.out)),
                          0));
    }
    for (const Sliced& c : sliced) {
      for (bool int64_params : {false, true}) {
        writer::GraphBuilder g;
        const int x = g.AddInput(type, in, "x", Q(type));
        auto constant = [&](const std::vector<int32_t>& v, const char* name) {
          return test::AddIntConstant(g, {4}, std::vector<int64_t>(v.begin(), v.end()),
                                      int64_params, name);
        };
        const int b = constant(c.begin, "begin");
        const int sz = constant(c.size, "size");
        const int y = g.AddTensor(type, c.out, "y", Q(type));
        g.AddNode(OpType::kSlice, {x, b, sz}, {y}, {}, test::Int8Version(type));
        g.MarkOutput(y);
        EXPECT_TRUE(Matches(
            g.Build(),
            test::FullRange(type, "SLICE " + test::TypeLabel(type) + " -> " +
                                      ir::ShapeToString(c.out) + (int64_params ? " int64" : "")),
            0));
      }
    }
  }
}

}  // namespace
}  // namespace vkd
