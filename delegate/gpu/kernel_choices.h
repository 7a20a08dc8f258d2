// Which variant of each kernel shape is fastest on this device, as measured
// by the tuner (GpuPartition), remembered across runs.
//
// One text file per cache directory, `kernel_choices.tsv`, one line per
// measured shape: "<device key>\t<shape key>\t<variant>\t<microseconds>".
// Lines of other devices or drivers are kept but ignored, so one cache
// directory serves several GPUs. The file is read only when it is a regular
// file under kMaxFileBytes, and only lines whose fields parse are taken: a
// truncated or foreign file costs tuning time, never a wrong kernel (every
// variant computes the same values; a stale name that no variant has is
// ignored).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/status.h"

namespace vkd::gpu_delegate {

class KernelChoices {
 public:
  static constexpr size_t kMaxFileBytes = 4u << 20;

  // `dir` empty: in memory only. `device_key` names device and driver.
  KernelChoices(std::string dir, std::string device_key);

  // The remembered variant name of a shape; empty when unknown.
  std::string Find(const std::string& shape_key) const;
  void Remember(const std::string& shape_key, const std::string& variant, double us);
  // Appends what was remembered since the last Save (no-op without a dir or
  // news). Errors are returned, not fatal: tuning results are a cache.
  Status Save();
  int size() const;

 private:
  void Load();
  const std::string path_;
  const std::string device_key_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> choices_;  // shape key -> variant
  std::map<std::string, std::string> unsaved_;  // shape key -> file line
  std::map<std::string, std::string> lines_;    // shape key -> file line, this device
};

}  // namespace vkd::gpu_delegate
