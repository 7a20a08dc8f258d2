// Fuzz target: the plug-in's option parser, through the exported
// tflite_plugin_create_delegate exactly as a TFLite host calls it. The input
// is "key:value;key:value..." (benchmark_model's --external_delegate_options
// form); an accepted list must make a delegate that can be destroyed, a bad
// one must be reported and give NULL.
#include <cstdint>
#include <string>
#include <vector>

#include "vkdelegate/vkdelegate.h"

namespace {
void Ignore(const char*) {}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> keys, values;
  size_t start = 0;
  while (start <= text.size() && keys.size() < 64) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const size_t colon = item.find(':');
    keys.push_back(item.substr(0, colon));
    values.push_back(colon == std::string::npos ? "" : item.substr(colon + 1));
    start = end + 1;
  }
  std::vector<const char*> k, v;
  for (size_t i = 0; i < keys.size(); ++i) {
    k.push_back(keys[i].c_str());
    v.push_back(values[i].c_str());
  }
  struct TfLiteDelegate* d = tflite_plugin_create_delegate(
      const_cast<char**>(k.data()), const_cast<char**>(v.data()), k.size(), &Ignore);
  if (d) tflite_plugin_destroy_delegate(d);
  return 0;
}
