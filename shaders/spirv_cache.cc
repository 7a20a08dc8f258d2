#include "shaders/spirv_cache.h"

#include <glslang/build_info.h>
#include <shaderc/shaderc.h>
#include <spirv-tools/libspirv.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>

#include "common/file_util.h"

namespace vkd::shaders {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kFileMagic = 0x50534b56;  // "VKSP" little-endian
// Bump when the file layout changes.
constexpr uint32_t kFileVersion = 2;  // 2: the checksum covers the key
// Bump when compiler.cc changes what it produces for the same source
// (shaderc options, spirv-opt passes): old cache files then simply miss.
constexpr int kCompilerRevision = 1;
constexpr uint32_t kSpirvMagic = 0x07230203;
// Far above any real compute shader; a larger count means a damaged header.
constexpr uint32_t kMaxWords = 16u << 20;

struct FileHeader {
  uint32_t magic;
  uint32_t version;
  uint64_t key;
  uint32_t word_count;
  uint32_t reserved;
  uint64_t checksum;  // ModuleChecksum(key, words)
};
static_assert(sizeof(FileHeader) == 32, "the on-disk header must not depend on padding");

// Everything that can change the module for the same source, besides the
// inputs to GetOrCompile: the tool versions linked in and our own revision.
const std::string& CompilerTag() {
  static const std::string* const tag = [] {
    unsigned int spv_version = 0, spv_revision = 0;
    shaderc_get_spv_version(&spv_version, &spv_revision);
    return new std::string("vkd-compiler/" + std::to_string(kCompilerRevision) + "|shaderc-spv/" +
                           std::to_string(spv_version) + "." + std::to_string(spv_revision) +
                           "|glslang/" + std::to_string(GLSLANG_VERSION_MAJOR) + "." +
                           std::to_string(GLSLANG_VERSION_MINOR) + "." +
                           std::to_string(GLSLANG_VERSION_PATCH) + GLSLANG_VERSION_FLAVOR + "|" +
                           spvSoftwareVersionString());
  }();
  return *tag;
}

// Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently.
uint64_t HashField(uint64_t h, const void* data, size_t bytes) {
  const uint64_t length = bytes;
  h = Fnv1a64(&length, sizeof(length), h);
  return Fnv1a64(data, bytes, h);
}

uint64_t CacheKey(const std::string& glsl, const std::string& device_key,
                  const CompileOptions& options) {
  const std::string& tag = CompilerTag();
  // validate is part of the key although it does not change the words: a
  // module cached unvalidated must not be handed out as validated.
  const uint8_t flags = (options.optimize ? 1 : 0) | (options.validate ? 2 : 0);
  uint64_t h = Fnv1a64(nullptr, 0);
  h = HashField(h, tag.data(), tag.size());
  h = HashField(h, glsl.data(), glsl.size());
  h = HashField(h, &flags, sizeof(flags));
  return HashField(h, device_key.data(), device_key.size());
}

// The checksum covers the key and the words together, so the body of one
// entry under another entry's header (a copied or mixed-up file) fails it,
// not only a torn write.
uint64_t ModuleChecksum(uint64_t key, const std::vector<uint32_t>& words) {
  uint64_t h = HashField(Fnv1a64(nullptr, 0), &key, sizeof(key));
  return HashField(h, words.data(), words.size() * 4);
}

std::string FileName(uint64_t key) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016" PRIx64 ".spv", key);
  return name;
}

void Warn(const std::string& message) {
  std::fprintf(stderr, "vkdelegate: SPIR-V cache: %s\n", message.c_str());
}

// The module in `path` when it is a complete, intact file for `key`;
// nullopt otherwise. A file that is there but wrong is reported, then
// overwritten by the caller's recompile.
std::optional<std::vector<uint32_t>> ReadCacheFile(const std::string& path, uint64_t key) {
  auto reject = [&](const std::string& why) -> std::optional<std::vector<uint32_t>> {
    Warn("ignoring " + path + ": " + why);
    return std::nullopt;
  };
  // A regular file of bounded size only, opened without blocking (a FIFO or
  // /dev/zero in its place must not hang or exhaust the process).
  StatusOr<std::vector<char>> read =
      ReadBoundedRegularFile(path, sizeof(FileHeader) + size_t{kMaxWords} * 4);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return std::nullopt;  // the ordinary miss
    return reject(read.status().message());
  }
  const std::vector<char>& bytes = *read;
  if (bytes.size() < sizeof(FileHeader)) return reject("truncated header");
  FileHeader header{};
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.magic != kFileMagic) return reject("not a vkdelegate SPIR-V cache file");
  if (header.version != kFileVersion) return reject("other file format version");
  if (header.key != key) return reject("key mismatch");
  if (header.word_count == 0 || header.word_count > kMaxWords) return reject("bad word count");
  if (bytes.size() != sizeof(FileHeader) + size_t{header.word_count} * 4) {
    return reject("size does not match the header");
  }
  std::vector<uint32_t> words(header.word_count);
  std::memcpy(words.data(), bytes.data() + sizeof(FileHeader), words.size() * 4);
  if (ModuleChecksum(key, words) != header.checksum) return reject("bad checksum");
  if (words[0] != kSpirvMagic) return reject("not SPIR-V");
  return words;
}

// Writes to a unique temporary in the same directory, then renames over
// `path`, so a reader sees either no file or a complete one. No fsync: after
// a crash a torn file fails the checksum and is recompiled.
bool WriteCacheFile(const std::string& path, uint64_t key, const std::vector<uint32_t>& words) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  FileHeader header{};
  header.magic = kFileMagic;
  header.version = kFileVersion;
  header.key = key;
  header.word_count = static_cast<uint32_t>(words.size());
  header.checksum = ModuleChecksum(key, words);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&header), sizeof(header));
    out.write(reinterpret_cast<const char*>(words.data()),
              static_cast<std::streamsize>(words.size() * 4));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return false;
  }
  return true;
}

// True when files can be created in `dir` (creating it if needed). Probing
// with a real file is the only test that holds for root, read-only mounts
// and full disks alike.
bool PrepareDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    Warn("cannot create " + dir + " (" + ec.message() + "); caching in memory only");
    return false;
  }
  const std::string probe = (fs::path(dir) / (".probe." + std::to_string(::getpid()))).string();
  std::ofstream out(probe, std::ios::binary | std::ios::trunc);
  out << 'x';
  out.close();
  const bool ok = !out.fail();
  fs::remove(probe, ec);
  if (!ok) Warn(dir + " is not writable; caching in memory only");
  return ok;
}

}  // namespace

SpirvCache::SpirvCache(std::string dir) : dir_(std::move(dir)) {
  if (!dir_.empty() && !PrepareDir(dir_)) dir_.clear();
}

StatusOr<std::vector<uint32_t>> SpirvCache::GetOrCompile(const std::string& glsl,
                                                         const std::string& name,
                                                         const std::string& device_key,
                                                         const CompileOptions& options) {
  const uint64_t key = CacheKey(glsl, device_key, options);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = memory_.find(key);
    if (it != memory_.end()) {
      ++stats_.memory_hits;
      return it->second;
    }
  }

  // Disk and compiler work run unlocked so that threads preparing different
  // shaders overlap. Two threads missing on the same key both compile; the
  // results are identical and the second insert is a no-op.
  const std::string path = dir_.empty() ? "" : (fs::path(dir_) / FileName(key)).string();
  if (!path.empty()) {
    if (std::optional<std::vector<uint32_t>> words = ReadCacheFile(path, key)) {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.disk_hits;
      return memory_.emplace(key, std::move(*words)).first->second;
    }
  }

  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<uint32_t>> spirv = CompileComputeShader(glsl, name, options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.compiles;
    stats_.compile_ms += ms;
  }
  // Failures are not cached: they are rare, and the caller stops on them.
  if (!spirv.ok()) return spirv.status();

  if (!path.empty() && !WriteCacheFile(path, key, *spirv)) {
    Warn("cannot write " + path + "; the module stays in memory only");
  }
  std::lock_guard<std::mutex> lock(mu_);
  return memory_.emplace(key, std::move(spirv).value()).first->second;
}

SpirvCacheStats SpirvCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace vkd::shaders
