// ARG_MAX against TFLite 2.9 on the CPU kernels: float32, int8, uint8, int32
// inputs, int32 and int64 outputs, every axis (negative too, int32 and int64
// axis tensors), and narrow value ranges so that ties (first index wins)
// occur. Exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::Shape;

// The GPU has no ARG_MAX kernel.
VKD_BACKEND_TEST_SUITE(ArgMaxTest, kCpuBackends);

ir::Graph ArgMaxGraph(DataType type, const Shape& shape, int axis, bool int64_axis,
                      DataType out_type) {
  const int rank = static_cast<int>(shape.size());
  const int resolved = axis < 0 ? axis + rank : axis;
  Shape out_shape;
  for (int d = 0; d < rank; ++d) {
    if (d != resolved) out_shape.push_back(shape[d]);
  }
  writer::GraphBuilder g;
  const int x = g.AddInput(type, shape, "x", test::QuantFor(type, 0.1f, 3));
  const int a = test::AddIntConstant(g, {1}, {axis}, int64_axis, "axis");
  const int y = g.AddTensor(out_type, out_shape, "y");
  g.AddNode(ir::OpType::kArgMax, {x, a}, {y}, ir::ArgMaxOptions{out_type}, test::Int8Version(type));
  g.MarkOutput(y);
  return g.Build();
}

// ARG_MIN: see quantized_movement_test.cc.
TEST_P(ArgMaxTest, Sweep) {
  const Shape shapes[] = {{1, 5, 7, 21}, {3, 17}, {6}};
  int n = 0;
  for (DataType type : {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32}) {
    for (const Shape& shape : shapes) {
      const int rank = static_cast<int>(shape.size());
      for (int axis = -1; axis < rank; ++axis) {
        for (DataType out_type : {DataType::kInt32, DataType::kInt64}) {
          for (bool narrow : {false, true}) {
            ++n;
            if (narrow && type == DataType::kFloat32) continue;  // floats rarely tie
            const std::string label = "ARG_MAX " + test::TypeLabel(type) + " " +
                                      ir::ShapeToString(shape) + " axis " + std::to_string(axis) +
                                      " -> " + test::TypeLabel(out_type) + (narrow ? " ties" : "");
            test::CompareOptions opts = test::FullRange(type, label, n);
            if (narrow) {  // few distinct values: ties everywhere
              opts.input_min = 0.0f;
              opts.input_max = 3.0f;
            }
            EXPECT_TRUE(Matches(ArgMaxGraph(type, shape, axis, /*int64_axis=*/n % 2 == 0, out_type),
                                opts, 0));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace vkd
