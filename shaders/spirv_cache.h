// SPIR-V cache: memory, and optionally a directory on disk, keyed by a hash
// of the shader source, the compile options and a device key (so a cache
// dir shared between devices or builds never hands out a wrong module). A
// second process start with the same cache_dir skips shaderc entirely.
//
// Files are written atomically (temporary + rename) and carry a small header
// (magic, version, key, word count, checksum); a truncated or foreign file is
// treated as a miss and overwritten, never trusted.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "shaders/compiler.h"

namespace vkd::shaders {

struct SpirvCacheStats {
  int memory_hits = 0;
  int disk_hits = 0;
  int compiles = 0;
  double compile_ms = 0;  // time spent in shaderc + spirv-opt/val
};

class SpirvCache {
 public:
  // `dir` empty: memory only. The directory is created when missing; an
  // unwritable directory degrades to memory only (with a warning on stderr).
  explicit SpirvCache(std::string dir = "");

  // The module for `glsl`, compiling it on a miss. `device_key` identifies
  // the device and driver (e.g. "llvmpipe|mesa 22.3.6").
  StatusOr<std::vector<uint32_t>> GetOrCompile(const std::string& glsl, const std::string& name,
                                               const std::string& device_key,
                                               const CompileOptions& options);

  SpirvCacheStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> memory_;
  SpirvCacheStats stats_;
};

}  // namespace vkd::shaders
