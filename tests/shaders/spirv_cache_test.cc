// SpirvCache: memory hits, disk hits across cache instances, keys, and
// damaged files on disk. Hits and misses are read from the stats, never
// from timings.
#include "shaders/spirv_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "tests/shaders/test_shaders.h"

namespace vkd::shaders {
namespace {

namespace fs = std::filesystem;
using testdata::AddShader;

constexpr char kDevice[] = "test-device|driver 1.0";

// A fresh, empty directory per test, removed afterwards.
class SpirvCacheDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::path(::testing::TempDir()) /
            ("vkd_spirv_cache_" + std::string(info->name()) + "_" + std::to_string(::getpid())))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The .spv files in the cache directory.
  std::vector<fs::path> SpvFiles() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".spv") files.push_back(entry.path());
    }
    return files;
  }

  std::string dir_;
};

TEST(SpirvCache, SecondCompileIsAMemoryHit) {
  SpirvCache cache;
  EXPECT_EQ(cache.dir(), "");
  auto first = cache.GetOrCompile(AddShader(), "add", kDevice, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = cache.GetOrCompile(AddShader(), "add_again", kDevice, {});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*first, *second);
  SpirvCacheStats stats = cache.stats();
  EXPECT_EQ(stats.compiles, 1);
  EXPECT_EQ(stats.memory_hits, 1);
  EXPECT_EQ(stats.disk_hits, 0);
  EXPECT_GT(stats.compile_ms, 0.0);
}

TEST(SpirvCache, KeyCoversDeviceOptionsAndSource) {
  SpirvCache cache;
  CompileOptions unoptimized;
  unoptimized.optimize = false;
  ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", "other-device|driver 2.0", {}).ok());
  ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, unoptimized).ok());
  ASSERT_TRUE(cache.GetOrCompile(AddShader("2.0"), "add2", kDevice, {}).ok());
  EXPECT_EQ(cache.stats().compiles, 4);
  EXPECT_EQ(cache.stats().memory_hits, 0);
}

TEST(SpirvCache, CompileErrorsPassThroughAndAreNotCached) {
  SpirvCache cache;
  for (int i = 0; i < 2; ++i) {
    auto spirv = cache.GetOrCompile("#version 450\nvoid main() { nope; }\n", "bad", kDevice, {});
    ASSERT_FALSE(spirv.ok());
    EXPECT_EQ(spirv.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(spirv.status().message().find("bad:2:"), std::string::npos)
        << spirv.status().message();
  }
  EXPECT_EQ(cache.stats().compiles, 2);
  EXPECT_EQ(cache.stats().memory_hits, 0);
}

TEST(SpirvCache, ConcurrentDifferentSources) {
  constexpr int kThreads = 4;
  SpirvCache cache;
  std::vector<StatusOr<std::vector<uint32_t>>> results(kThreads, InternalError("not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &cache, &results] {
      results[t] = cache.GetOrCompile(AddShader(std::to_string(t) + ".25"),
                                      "thread" + std::to_string(t), kDevice, {});
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(results[t].ok()) << t << ": " << results[t].status().ToString();
    EXPECT_TRUE(ValidateSpirv(*results[t], "thread").ok());
  }
  EXPECT_EQ(cache.stats().compiles, kThreads);
  // Everything is now in memory.
  for (int t = 0; t < kThreads; ++t) {
    auto again = cache.GetOrCompile(AddShader(std::to_string(t) + ".25"), "again", kDevice, {});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *results[t]);
  }
  EXPECT_EQ(cache.stats().memory_hits, kThreads);
  EXPECT_EQ(cache.stats().compiles, kThreads);
}

TEST_F(SpirvCacheDiskTest, FreshCacheOnSameDirHitsDisk) {
  std::vector<uint32_t> compiled;
  {
    SpirvCache cache(dir_);
    EXPECT_EQ(cache.dir(), dir_);
    auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    compiled = *spirv;
    EXPECT_EQ(cache.stats().compiles, 1);
  }
  auto files = SpvFiles();
  ASSERT_EQ(files.size(), 1u);
  // 16 hex digits + ".spv", and no temporary left behind.
  EXPECT_EQ(files[0].filename().string().size(), 20u);
  EXPECT_EQ(files[0].filename().string().find_first_not_of("0123456789abcdef"), 16u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);

  SpirvCache fresh(dir_);
  auto spirv = fresh.GetOrCompile(AddShader(), "add", kDevice, {});
  ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
  EXPECT_EQ(*spirv, compiled);
  SpirvCacheStats stats = fresh.stats();
  EXPECT_EQ(stats.disk_hits, 1);
  EXPECT_EQ(stats.compiles, 0);
  EXPECT_EQ(stats.memory_hits, 0);
  // The disk hit also fills memory.
  ASSERT_TRUE(fresh.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  EXPECT_EQ(fresh.stats().memory_hits, 1);
  EXPECT_EQ(fresh.stats().disk_hits, 1);
}

TEST_F(SpirvCacheDiskTest, OtherDeviceKeyMisses) {
  {
    SpirvCache cache(dir_);
    ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  }
  SpirvCache fresh(dir_);
  ASSERT_TRUE(fresh.GetOrCompile(AddShader(), "add", "another-gpu|driver 9", {}).ok());
  EXPECT_EQ(fresh.stats().disk_hits, 0);
  EXPECT_EQ(fresh.stats().compiles, 1);
  EXPECT_EQ(SpvFiles().size(), 2u);
}

// Each way of damaging the file: a miss, a correct recompile, and a file
// that a third cache instance then trusts again.
TEST_F(SpirvCacheDiskTest, DamagedFilesAreMissesAndRewritten) {
  std::vector<uint32_t> compiled;
  {
    SpirvCache cache(dir_);
    auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    compiled = *spirv;
  }
  ASSERT_EQ(SpvFiles().size(), 1u);
  const fs::path file = SpvFiles()[0];
  const auto full_size = fs::file_size(file);

  auto flip_byte = [&](std::streamoff offset) {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(offset);
    char c = 0;
    f.read(&c, 1);
    f.seekp(offset);
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  };
  struct Damage {
    const char* what;
    std::function<void()> apply;
  };
  const std::vector<Damage> damages = {
      {"truncated body", [&] { fs::resize_file(file, full_size - 8); }},
      {"truncated header", [&] { fs::resize_file(file, 10); }},
      {"empty", [&] { fs::resize_file(file, 0); }},
      {"flipped body byte", [&] { flip_byte(static_cast<std::streamoff>(full_size) - 5); }},
      {"flipped magic", [&] { flip_byte(0); }},
      {"flipped key", [&] { flip_byte(8); }},
      {"flipped word count", [&] { flip_byte(16); }},
      {"appended bytes", [&] { std::ofstream(file, std::ios::binary | std::ios::app) << "tail"; }},
      {"foreign file", [&] { std::ofstream(file, std::ios::binary | std::ios::trunc) << "hello"; }},
  };
  for (const Damage& damage : damages) {
    SCOPED_TRACE(damage.what);
    damage.apply();
    {
      SpirvCache cache(dir_);
      auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
      ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
      EXPECT_EQ(*spirv, compiled);
      EXPECT_EQ(cache.stats().disk_hits, 0);
      EXPECT_EQ(cache.stats().compiles, 1);
    }
    EXPECT_EQ(fs::file_size(file), full_size);
    SpirvCache after(dir_);
    auto spirv = after.GetOrCompile(AddShader(), "add", kDevice, {});
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    EXPECT_EQ(*spirv, compiled);
    EXPECT_EQ(after.stats().disk_hits, 1);
    EXPECT_EQ(after.stats().compiles, 0);
  }
}

// What a probe found: a file whose header is valid for this key but whose
// body is another shader's module, with a checksum of that body. The
// checksum covers the key too, so the file is a miss, never wrong output.
TEST_F(SpirvCacheDiskTest, AnotherModulesBodyUnderThisKeyIsRejected) {
  std::vector<uint32_t> compiled;
  {
    SpirvCache cache(dir_);
    auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
    ASSERT_TRUE(spirv.ok());
    compiled = *spirv;
    ASSERT_TRUE(
        cache.GetOrCompile(AddShader("2.0"), "other", kDevice, {}).ok());
  }
  ASSERT_EQ(SpvFiles().size(), 2u);
  // Keep file 0's header (magic, version, key) and put file 1's body and
  // its old-style (words only) checksum there.
  auto read = [](const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  };
  const fs::path target = SpvFiles()[0];
  std::vector<char> a = read(target), b = read(SpvFiles()[1]);
  std::vector<char> forged(a.begin(), a.begin() + 32);
  std::memcpy(forged.data() + 16, b.data() + 16, 4);  // word count
  forged.insert(forged.end(), b.begin() + 32, b.end());
  std::vector<uint32_t> words((b.size() - 32) / 4);
  std::memcpy(words.data(), b.data() + 32, words.size() * 4);
  const uint64_t words_only = Fnv1a64(words.data(), words.size() * 4);
  std::memcpy(forged.data() + 24, &words_only, 8);
  std::ofstream(target, std::ios::binary | std::ios::trunc).write(forged.data(), forged.size());
  for (int i = 0; i < 2; ++i) {
    SpirvCache cache(dir_);
    auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
    auto other = cache.GetOrCompile(AddShader("2.0"), "other", kDevice, {});
    ASSERT_TRUE(spirv.ok() && other.ok());
    EXPECT_EQ(*spirv, compiled);
    EXPECT_NE(*spirv, *other);
    // The forged file is rejected and rewritten once; then both are hits.
    EXPECT_EQ(cache.stats().compiles, i == 0 ? 1 : 0) << "round " << i;
    EXPECT_EQ(cache.stats().disk_hits, i == 0 ? 1 : 2) << "round " << i;
  }
}

// A FIFO or a link to /dev/zero in a cache file's place: a miss with a
// warning, never a blocked or endless read.
TEST_F(SpirvCacheDiskTest, FifoAndDeviceFilesAreMisses) {
  {
    SpirvCache cache(dir_);
    ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  }
  ASSERT_EQ(SpvFiles().size(), 1u);
  const fs::path file = SpvFiles()[0];
  for (const char* kind : {"fifo", "dev-zero"}) {
    SCOPED_TRACE(kind);
    fs::remove(file);
    if (std::string(kind) == "fifo") {
      ASSERT_EQ(::mkfifo(file.c_str(), 0600), 0);
    } else {
      fs::create_symlink("/dev/zero", file);
    }
    SpirvCache cache(dir_);
    auto spirv = cache.GetOrCompile(AddShader(), "add", kDevice, {});
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    EXPECT_EQ(cache.stats().disk_hits, 0);
    EXPECT_EQ(cache.stats().compiles, 1);
  }
}

TEST_F(SpirvCacheDiskTest, UnusableDirDegradesToMemory) {
  // A directory cannot be created below a regular file.
  fs::create_directories(dir_);
  const std::string blocker = (fs::path(dir_) / "file").string();
  std::ofstream(blocker) << "x";
  SpirvCache cache((fs::path(blocker) / "cache").string());
  EXPECT_EQ(cache.dir(), "");
  ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  ASSERT_TRUE(cache.GetOrCompile(AddShader(), "add", kDevice, {}).ok());
  EXPECT_EQ(cache.stats().compiles, 1);
  EXPECT_EQ(cache.stats().memory_hits, 1);
}

}  // namespace
}  // namespace vkd::shaders
