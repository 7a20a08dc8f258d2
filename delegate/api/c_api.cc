// The public C API (include/vkdelegate/vkdelegate.h): VkdDelegateCreate and
// TFLite's external-delegate plug-in entry points, over tflite_glue::Delegate.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "delegate/api/options_convert.h"
#include "delegate/gpu/gpu_context.h"
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

bool ParseChoice(const std::string& s, const std::vector<std::string>& names, int32_t* out) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (s == names[i]) {
      *out = static_cast<int32_t>(i);
      return true;
    }
  }
  return ParseInt(s, 0, static_cast<long>(names.size()) - 1, out);
}

// TfLiteGpuDelegateOptionsV2's keys, gathered first and resolved once all
// options are read (README: "Options like TFLite's GPU delegate").
struct TfLiteGpuKeys {
  int32_t precision_loss = -1;         // is_precision_loss_allowed; -1: not given
  int32_t priority[3] = {-1, -1, -1};  // inference_priority1..3; -1: not given
  int32_t preference = -1;             // inference_preference
};

// TFLite's TfLiteGpuInferencePriority and TfLiteGpuInferenceUsage numbering.
enum { kPriorityAuto = 0, kPriorityMaxPrecision = 1, kPriorityMinLatency = 2 };
enum { kFastSingleAnswer = 0, kSustainedSpeed = 1, kBalanced = 2 };

// As TFLite's GPU delegate decides: a given is_precision_loss_allowed wins;
// otherwise fp16 when MIN_LATENCY ranks before MAX_PRECISION (TFLite's
// default priorities put MAX_PRECISION first: fp32).
void ResolveTfLiteGpuKeys(const TfLiteGpuKeys& k, VkdDelegateOptions* o) {
  const bool any_priority = k.priority[0] >= 0 || k.priority[1] >= 0 || k.priority[2] >= 0;
  if (k.precision_loss >= 0) {
    o->enable_fp16 = k.precision_loss;
  } else if (any_priority) {
    const int32_t p[3] = {k.priority[0] < 0 ? kPriorityMaxPrecision : k.priority[0],
                          k.priority[1] < 0 ? kPriorityAuto : k.priority[1],
                          k.priority[2] < 0 ? kPriorityAuto : k.priority[2]};
    auto position = [&](int32_t value) {
      for (int i = 0; i < 3; ++i) {
        if (p[i] == value) return i;
      }
      return 3;
    };
    o->enable_fp16 = position(kPriorityMaxPrecision) > position(kPriorityMinLatency) ? 1 : 0;
  }
  // FAST_SINGLE_ANSWER: the delegate serves few invokes, so prepare must be
  // quick: no timing of kernel variants. SUSTAINED_SPEED: many invokes pay
  // back a full tuning pass (cached on disk).
  if (k.preference == kFastSingleAnswer) o->tuning = 1;
  if (k.preference == kSustainedSpeed) o->tuning = 2;
  if (k.preference == kBalanced) o->tuning = 0;
}

// Applies one plug-in option; an empty string on success, else the message.
std::string ApplyOption(const std::string& key, const std::string& value, VkdDelegateOptions* o,
                        std::string* cache_dir, TfLiteGpuKeys* tfl) {
  auto bad = [&](const char* expected) {
    return "vkdelegate: option '" + key + "': bad value '" + value + "' (expected " + expected +
           ")";
  };
  static const std::vector<std::string> kPriorities = {"auto", "max_precision", "min_latency",
                                                       "min_memory_usage"};
  if (key == "precision") {
    if (value == "fp32") {
      o->enable_fp16 = 0;
    } else if (value == "fp16") {
      o->enable_fp16 = 1;
    } else {
      return bad("fp32 or fp16");
    }
  } else if (key == "is_precision_loss_allowed") {
    if (!ParseBool(value, &tfl->precision_loss)) return bad("true or false");
  } else if (key.rfind("inference_priority", 0) == 0 && key.size() == 19 && key[18] >= '1' &&
             key[18] <= '3') {
    if (!ParseChoice(value, kPriorities, &tfl->priority[key[18] - '1'])) {
      return bad("auto, max_precision, min_latency, min_memory_usage or 0-3");
    }
  } else if (key == "inference_preference") {
    if (!ParseChoice(value, {"fast_single_answer", "sustained_speed", "balanced"},
                     &tfl->preference)) {
      return bad("fast_single_answer, sustained_speed, balanced or 0-2");
    }
  } else if (key == "device") {
    int device = 0;
    if (!vkd::gpu_delegate::ParseDeviceChoice(value, &device)) {
      return bad("auto (the best hardware GPU), any (software devices too) or an index");
    }
    o->device_index = device;
  } else if (key == "max_partitions" || key == "max_delegated_partitions") {
    if (!ParseInt(value, 0, 1 << 30, &o->max_partitions)) return bad("an integer >= 0");
  } else if (key == "min_nodes_per_partition") {
    if (!ParseInt(value, 1, 1 << 30, &o->min_nodes_per_partition)) return bad("an integer >= 1");
  } else if (key == "cache_dir" || key == "serialization_dir") {
    *cache_dir = value;
    o->cache_dir = cache_dir->c_str();
  } else if (key == "model_token") {
    // Accepted for TFLite's sake and not needed: cache entries are keyed by
    // the shader's own content and the device, so two models never collide.
  } else if (key == "enable_quant") {
    if (!ParseBool(value, &o->enable_quant)) return bad("true or false");
  } else if (key == "experimental_flags") {
    int32_t flags = 0;
    if (!ParseInt(value, 0, 15, &flags)) return bad("TFLite's experimental flag bits, 0-15");
    // Bit 1 is ENABLE_QUANT; CL_ONLY / GL_ONLY pick an API vkdelegate does not
    // use, and ENABLE_SERIALIZATION is implied by a cache folder.
    o->enable_quant = (flags & 1) ? 1 : 0;
  } else if (key == "validation") {
    if (!ParseBool(value, &o->enable_validation)) return bad("true or false");
  } else if (key == "tuning") {
    if (!ParseChoice(value, {"auto", "off", "full"}, &o->tuning)) return bad("auto, off or full");
  } else if (key == "gpu_memory_budget_mb") {
    if (!ParseInt(value, 0, 1 << 30, &o->gpu_memory_budget_mb)) return bad("megabytes >= 0");
  } else if (key == "log_level") {
    if (!ParseChoice(value, {"error", "warning", "info", "verbose"}, &o->log_level)) {
      return bad("error, warning, info, verbose or 0-3");
    }
  } else {
    return "vkdelegate: unknown option '" + key +
           "' (known: precision, device, max_partitions, min_nodes_per_partition, cache_dir, "
           "enable_quant, log_level, validation, tuning, gpu_memory_budget_mb; TFLite GPU "
           "delegate's is_precision_loss_allowed, inference_preference, inference_priority1-3, "
           "max_delegated_partitions, serialization_dir, model_token, experimental_flags)";
  }
  return "";
}

// Checks the C options and turns them into the C++ ones.
std::string Convert(const VkdDelegateOptions& in, DelegateOptions* out) {
  if (in.log_level < kVkdLogError || in.log_level > kVkdLogVerbose) {
    return "log_level must be 0 (error) to 3 (verbose)";
  }
  vkd::api::CommonOptions common;
  // NULL or "": no disk cache (a plug-in writes nowhere unless told).
  const std::string error = vkd::api::ConvertCommonOptions(in, "", &common);
  if (!error.empty()) return error;
  out->gpu = common.gpu;
  out->partition = common.partition;
  out->enable_quant = common.enable_quant;
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
  TfLiteGpuKeys tfl;
  for (int64_t i = 0; i < count; ++i) {
    if (!options_keys[i] || !options_values[i]) {
      return report("vkdelegate: option " + std::to_string(i) + " has a NULL key or value");
    }
    const std::string error = ApplyOption(options_keys[i], options_values[i], &o, &cache_dir, &tfl);
    if (!error.empty()) return report(error);
  }
  ResolveTfLiteGpuKeys(tfl, &o);
  DelegateOptions cpp;
  const std::string error = Convert(o, &cpp);
  if (!error.empty()) return report("vkdelegate: " + error);
  return (new Delegate(cpp))->tflite_delegate();
}

void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate) { VkdDelegateDelete(delegate); }

}  // extern "C"
