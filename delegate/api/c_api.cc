// The public C API (include/vkdelegate/vkdelegate.h): VkdDelegateCreate and
// TFLite's external-delegate plug-in entry points, over tflite_glue::Delegate.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "delegate/tflite/tflite_delegate.h"
#include "gpu_runtime/instance.h"
#include "vkdelegate/vkdelegate.h"

namespace {

using vkd::tflite_glue::Delegate;
using vkd::tflite_glue::DelegateOptions;
using vkd::tflite_glue::LogLevel;

bool ParseInt(const std::string& s, long lo, long hi, int32_t* out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

bool ParseBool(const std::string& s, int32_t* out) {
  if (s == "true" || s == "1") {
    *out = 1;
  } else if (s == "false" || s == "0") {
    *out = 0;
  } else {
    return false;
  }
  return true;
}

// Applies one plug-in option; an empty string on success, else the message.
std::string ApplyOption(const std::string& key, const std::string& value, VkdDelegateOptions* o,
                        std::string* cache_dir) {
  auto bad = [&](const char* expected) {
    return "vkdelegate: option '" + key + "': bad value '" + value + "' (expected " + expected +
           ")";
  };
  if (key == "precision") {
    if (value == "fp32") {
      o->enable_fp16 = 0;
    } else if (value == "fp16") {
      o->enable_fp16 = 1;
    } else {
      return bad("fp32 or fp16");
    }
  } else if (key == "device") {
    if (!ParseInt(value, -1, 1 << 20, &o->device_index)) return bad("a device index, -1 = best");
  } else if (key == "max_partitions") {
    if (!ParseInt(value, 0, 1 << 30, &o->max_partitions)) return bad("an integer >= 0");
  } else if (key == "min_nodes_per_partition") {
    if (!ParseInt(value, 1, 1 << 30, &o->min_nodes_per_partition)) return bad("an integer >= 1");
  } else if (key == "cache_dir") {
    *cache_dir = value;
    o->cache_dir = cache_dir->c_str();
  } else if (key == "enable_quant") {
    if (!ParseBool(value, &o->enable_quant)) return bad("true or false");
  } else if (key == "validation") {
    if (!ParseBool(value, &o->enable_validation)) return bad("true or false");
  } else if (key == "tuning") {
    static const char* kModes[] = {"auto", "off", "full"};
    int32_t mode = -1;
    for (int i = 0; i < 3; ++i) {
      if (value == kModes[i]) mode = i;
    }
    if (mode < 0) return bad("auto, off or full");
    o->tuning = mode;
  } else if (key == "gpu_memory_budget_mb") {
    if (!ParseInt(value, 0, 1 << 30, &o->gpu_memory_budget_mb)) return bad("megabytes >= 0");
  } else if (key == "log_level") {
    static const char* kNames[] = {"error", "warning", "info", "verbose"};
    int32_t level = -1;
    for (int i = 0; i < 4; ++i) {
      if (value == kNames[i]) level = i;
    }
    if (level < 0 && !ParseInt(value, 0, 3, &level)) {
      return bad("error, warning, info, verbose or 0-3");
    }
    o->log_level = level;
  } else {
    return "vkdelegate: unknown option '" + key +
           "' (known: precision, device, max_partitions, min_nodes_per_partition, cache_dir, "
           "enable_quant, log_level, validation, tuning, gpu_memory_budget_mb)";
  }
  return "";
}

// Checks the C options and turns them into the C++ ones.
std::string Convert(const VkdDelegateOptions& in, DelegateOptions* out) {
  if (in.enable_fp16 != 0 && in.enable_fp16 != 1) return "enable_fp16 must be 0 or 1";
  if (in.device_index < -1) return "device_index must be >= -1";
  if (in.max_partitions < 0) return "max_partitions must be >= 0";
  if (in.min_nodes_per_partition < 1) return "min_nodes_per_partition must be >= 1";
  if (in.log_level < kVkdLogError || in.log_level > kVkdLogVerbose) {
    return "log_level must be 0 (error) to 3 (verbose)";
  }
  if (in.tuning < 0 || in.tuning > 2) return "tuning must be 0 (auto), 1 (off) or 2 (full)";
  if (in.gpu_memory_budget_mb < 0) return "gpu_memory_budget_mb must be >= 0";
  out->gpu.tuning = static_cast<vkd::gpu_delegate::GpuOptions::Tuning>(in.tuning);
  out->gpu.memory_budget_bytes = static_cast<uint64_t>(in.gpu_memory_budget_mb) << 20;
  out->gpu.precision =
      in.enable_fp16 ? vkd::shaders::Precision::kFp16 : vkd::shaders::Precision::kFp32;
  out->gpu.device_index = in.device_index;
  out->gpu.cache_dir = in.cache_dir ? in.cache_dir : "";
  out->gpu.enable_validation = in.enable_validation != 0;
  out->partition.max_partitions = in.max_partitions;
  out->partition.min_nodes_per_partition = in.min_nodes_per_partition;
  out->enable_quant = in.enable_quant != 0;
  out->log_level = static_cast<LogLevel>(in.log_level);
  return "";
}

}  // namespace

extern "C" {

VkdDelegateOptions VkdDelegateOptionsDefault(void) {
  VkdDelegateOptions o{};
  o.enable_fp16 = 0;
  o.device_index = -1;
  o.max_partitions = 0;
  o.min_nodes_per_partition = 1;
  o.cache_dir = nullptr;
  o.enable_quant = 0;
  o.log_level = kVkdLogInfo;
  o.enable_validation = 0;
  o.tuning = 0;
  o.gpu_memory_budget_mb = 0;
  return o;
}

TfLiteDelegate* VkdDelegateCreate(const VkdDelegateOptions* options) {
  const VkdDelegateOptions in = options ? *options : VkdDelegateOptionsDefault();
  DelegateOptions o;
  const std::string error = Convert(in, &o);
  if (!error.empty()) {
    std::fprintf(stderr, "vkdelegate: invalid options: %s\n", error.c_str());
    return nullptr;
  }
  return (new Delegate(o))->tflite_delegate();
}

void VkdDelegateDelete(TfLiteDelegate* delegate) { delete Delegate::FromTfLite(delegate); }

int32_t VkdDelegateNodesOnGpu(const TfLiteDelegate* delegate) {
  const Delegate* d = Delegate::FromTfLite(delegate);
  return d ? d->nodes_on_gpu() : -1;
}

int32_t VkdDelegatePartitions(const TfLiteDelegate* delegate) {
  const Delegate* d = Delegate::FromTfLite(delegate);
  return d ? d->partitions() : -1;
}

int64_t VkdValidationErrorCount(void) { return vkd::gpu::Instance::ProcessValidationErrorCount(); }

TfLiteDelegate* tflite_plugin_create_delegate(char** options_keys, char** options_values,
                                              size_t num_options,
                                              void (*report_error)(const char*)) {
  auto report = [&](const std::string& message) {
    if (report_error) {
      report_error(message.c_str());
    } else {
      std::fprintf(stderr, "%s\n", message.c_str());
    }
    return nullptr;
  };
  // Python's load_delegate declares the count as a C int: the upper half of
  // the register is then undefined. No real caller passes 2^31 options.
  const int64_t count = static_cast<int32_t>(static_cast<uint32_t>(num_options));
  if (count < 0 || count > 4096) {
    return report("vkdelegate: implausible option count " + std::to_string(count));
  }
  if (count > 0 && (!options_keys || !options_values)) {
    return report("vkdelegate: option keys or values are NULL");
  }
  VkdDelegateOptions o = VkdDelegateOptionsDefault();
  std::string cache_dir;
  for (int64_t i = 0; i < count; ++i) {
    if (!options_keys[i] || !options_values[i]) {
      return report("vkdelegate: option " + std::to_string(i) + " has a NULL key or value");
    }
    const std::string error = ApplyOption(options_keys[i], options_values[i], &o, &cache_dir);
    if (!error.empty()) return report(error);
  }
  DelegateOptions cpp;
  const std::string error = Convert(o, &cpp);
  if (!error.empty()) return report("vkdelegate: " + error);
  return (new Delegate(cpp))->tflite_delegate();
}

void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate) { VkdDelegateDelete(delegate); }

}  // extern "C"
