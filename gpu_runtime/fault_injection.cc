#include "gpu_runtime/fault_injection.h"

#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>

namespace vkd::gpu {
namespace {

const char* Name(Fault f) {
  switch (f) {
    case Fault::kAlloc:
      return "alloc";
    case Fault::kPipeline:
      return "pipeline";
    case Fault::kDeviceLost:
      return "device_lost";
    case Fault::kTimeout:
      return "timeout";
  }
  return "?";
}

std::mutex mu;
std::string last_value;  // the variable's value the counts belong to
long hits[4] = {0, 0, 0, 0};

}  // namespace

bool InjectFault(Fault fault) {
  const char* env = std::getenv("VKD_INJECT_FAULT");
  if (env == nullptr || *env == '\0') return false;
  std::lock_guard<std::mutex> lock(mu);
  if (last_value != env) {
    last_value = env;
    for (long& h : hits) h = 0;
  }
  const long hit = ++hits[static_cast<int>(fault)];
  std::string spec(env);
  spec = spec.substr(0, spec.find(';'));
  std::stringstream ss(spec);
  for (std::string item; std::getline(ss, item, ',');) {
    const size_t at = item.find('@');
    if (item.substr(0, at) != Name(fault)) continue;
    const long from = at == std::string::npos ? 1 : std::atol(item.c_str() + at + 1);
    return hit >= from;
  }
  return false;
}

}  // namespace vkd::gpu
