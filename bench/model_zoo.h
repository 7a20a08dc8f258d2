// Models the project makes itself with its own model writer, so the demo and
// the benchmarks run on a machine without ../shared:
//   "mobilenet_v2_0.35_96"  a small float MobileNetV2 (the demo model),
//   "mobilenet_v2_1.0_224"  the standard float MobileNetV2 1.0 at 224x224.
// Weights are seeded random (He-scaled so activations stay in range): the
// architecture and the cost are real, the classes are not.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::tools {

struct MobileNetV2Config {
  float alpha = 1.0f;    // width multiplier
  int resolution = 224;  // input height and width
  int num_classes = 1001;
  uint32_t seed = 1;
  bool dynamic_batch = true;  // shape_signature batch -1, as converters write it
};

ir::Graph MakeMobileNetV2(const MobileNetV2Config& config);

std::vector<std::string> ZooModelNames();
StatusOr<ir::Graph> MakeZooModel(const std::string& name);

}  // namespace vkd::tools
