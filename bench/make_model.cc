// vkd-make-model: writes one of the project's own models (bench/model_zoo.h)
// as a .tflite file, or the float32 copy of a quantized model.
//   vkd-make-model --model=mobilenet_v2_0.35_96 --output=demo.tflite
//   vkd-make-model --from_quant=../shared/models/mobilenet_v2_1.0_224_quant.tflite
//                  --output=mobilenet_v2_1.0_224_dequant.tflite
// The float copy (model/transform/dequantize_model.h) takes real-valued
// inputs: scale * (q - zero_point) of the quantized model's input, printed here.

#include <cstdio>

#include "bench/flags.h"
#include "bench/model_zoo.h"
#include "model/reader/model_reader.h"
#include "model/transform/dequantize_model.h"
#include "model/writer/model_writer.h"

namespace {

vkd::StatusOr<vkd::ir::Graph> FloatCopyOf(const std::string& path) {
  VKD_ASSIGN_OR_RETURN(vkd::reader::Model model, vkd::reader::ReadModelFile(path));
  auto dequantized = vkd::transform::DequantizeModel(model.graph);
  if (!dequantized.ok()) return dequantized.status().WithContext("'" + path + "'");
  for (size_t i = 0; i < dequantized->input_quant.size(); ++i) {
    const vkd::ir::Quantization& q = dequantized->input_quant[i];
    if (q.empty() || q.per_channel()) continue;
    const long long zero_point = q.zero_point.empty() ? 0 : q.zero_point[0];
    std::printf("input %zu: was %s, now FLOAT32 = %g * (q %c %lld)\n", i,
                vkd::ir::DataTypeName(dequantized->input_types[i]), q.scale[0],
                zero_point < 0 ? '+' : '-', zero_point < 0 ? -zero_point : zero_point);
  }
  return std::move(dequantized->graph);
}

}  // namespace

int main(int argc, char** argv) {
  vkd::tools::Flags flags;
  std::string names;
  for (const auto& n : vkd::tools::ZooModelNames()) names += " " + n;
  flags.Define("model", "mobilenet_v2_0.35_96", "which model:" + names);
  flags.Define(
      "from_quant", "",
      "instead of --model: a quantized .tflite whose float32 copy (real weights) to write");
  flags.Define("output", "", "path of the .tflite file to write");
  flags.Define("help", "false", "print this help");
  if (vkd::Status s = flags.Parse(argc, argv); !s.ok()) {
    std::fprintf(stderr, "vkd-make-model: %s\n", s.message().c_str());
    return 2;
  }
  if (flags.GetString("help") == "true" || flags.GetString("output").empty()) {
    std::fprintf(flags.GetString("help") == "true" ? stdout : stderr, "%s",
                 flags.Usage("vkd-make-model").c_str());
    return flags.GetString("help") == "true" ? 0 : 2;
  }
  const std::string from_quant = flags.GetString("from_quant");
  if (!from_quant.empty() && flags.WasSet("model")) {
    std::fprintf(stderr, "vkd-make-model: give --model or --from_quant, not both\n");
    return 2;
  }
  auto graph = from_quant.empty() ? vkd::tools::MakeZooModel(flags.GetString("model"))
                                  : FloatCopyOf(from_quant);
  if (!graph.ok()) {
    std::fprintf(stderr, "vkd-make-model: %s\n", graph.status().message().c_str());
    return 1;
  }
  if (vkd::Status s = vkd::writer::WriteModelFile(*graph, flags.GetString("output")); !s.ok()) {
    std::fprintf(stderr, "vkd-make-model: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("wrote %s (%s, %zu nodes)\n", flags.GetString("output").c_str(),
              from_quant.empty() ? flags.GetString("model").c_str()
                                 : ("float32 copy of " + from_quant).c_str(),
              graph->nodes.size());
  return 0;
}
