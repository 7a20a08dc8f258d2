// vkd-bench's .npy reader on hostile headers: every bad shape entry is a
// clear error (never an uncaught exception, never a negative dimension read
// as positive), and good files round-trip.
#include "bench/npy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace vkd::tools {
namespace {

// A version-1.0 .npy file with `header` as its dictionary and `data_bytes`
// bytes of data.
std::string WriteRaw(const std::string& header, size_t data_bytes) {
  const std::string path = ::testing::TempDir() + "/vkd_npy_test_" + std::to_string(::getpid()) +
                           "_" + std::to_string(data_bytes) + ".npy";
  std::string h = header;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  f << "\x93NUMPY" << '\x01' << '\x00';
  f << static_cast<char>(h.size() & 0xff) << static_cast<char>(h.size() >> 8) << h;
  f << std::string(data_bytes, '\0');
  return path;
}

std::string Header(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
}

TEST(Npy, GoodShapesRoundTrip) {
  auto t = ReadNpy(WriteRaw(Header("2, 3"), 24));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape, (ir::Shape{2, 3}));
  t = ReadNpy(WriteRaw(Header("4,"), 16));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape, (ir::Shape{4}));
  t = ReadNpy(WriteRaw(Header(""), 4));  // a scalar
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->shape.empty());
}

TEST(Npy, HostileShapesAreErrors) {
  for (const char* shape : {"-3, 2", "2147483648, 1", "99999999999999999999", "3, x",
                            "65536, 65536, 65536, 65536, 4"}) {
    auto t = ReadNpy(WriteRaw(Header(shape), 24));
    ASSERT_FALSE(t.ok()) << shape;
    EXPECT_NE(t.status().message().find(".npy"), std::string::npos) << t.status().message();
  }
}

}  // namespace
}  // namespace vkd::tools
