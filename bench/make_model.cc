// vkd-make-model: writes one of the project's own models (bench/model_zoo.h)
// as a .tflite file.
//   vkd-make-model --model=mobilenet_v2_0.35_96 --output=demo.tflite

#include <cstdio>

#include "bench/flags.h"
#include "bench/model_zoo.h"
#include "delegate/writer/model_writer.h"

int main(int argc, char** argv) {
  vkd::tools::Flags flags;
  std::string names;
  for (const auto& n : vkd::tools::ZooModelNames()) names += " " + n;
  flags.Define("model", "mobilenet_v2_0.35_96", "which model:" + names);
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
  auto graph = vkd::tools::MakeZooModel(flags.GetString("model"));
  if (!graph.ok()) {
    std::fprintf(stderr, "vkd-make-model: %s\n", graph.status().message().c_str());
    return 1;
  }
  if (vkd::Status s = vkd::writer::WriteModelFile(*graph, flags.GetString("output")); !s.ok()) {
    std::fprintf(stderr, "vkd-make-model: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("wrote %s (%s, %zu nodes)\n", flags.GetString("output").c_str(),
              flags.GetString("model").c_str(), graph->nodes.size());
  return 0;
}
