#include "bench/npy.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <regex>
#include <sstream>

namespace vkd::tools {
namespace {

const char* Descr(ir::DataType t) {
  switch (t) {
    case ir::DataType::kFloat32:
      return "<f4";
    case ir::DataType::kFloat16:
      return "<f2";
    case ir::DataType::kFloat64:
      return "<f8";
    case ir::DataType::kInt32:
      return "<i4";
    case ir::DataType::kInt64:
      return "<i8";
    case ir::DataType::kInt16:
      return "<i2";
    case ir::DataType::kInt8:
      return "|i1";
    case ir::DataType::kUInt8:
      return "|u1";
    case ir::DataType::kBool:
      return "|b1";
    default:
      return nullptr;
  }
}

StatusOr<ir::DataType> FromDescr(const std::string& d) {
  for (ir::DataType t : {ir::DataType::kFloat32, ir::DataType::kFloat16, ir::DataType::kFloat64,
                         ir::DataType::kInt32, ir::DataType::kInt64, ir::DataType::kInt16,
                         ir::DataType::kInt8, ir::DataType::kUInt8, ir::DataType::kBool}) {
    std::string mine = Descr(t);
    // '<i1' and '|i1' mean the same for one-byte types.
    if (d == mine || (mine[0] == '|' && d.size() == 3 && d.substr(1) == mine.substr(1))) return t;
  }
  return UnimplementedError("npy dtype '" + d + "' unsupported");
}

}  // namespace

StatusOr<HostTensor> ReadNpy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFoundError("cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return ParseNpy(bytes, path);
}

StatusOr<HostTensor> ParseNpy(const std::vector<uint8_t>& bytes, const std::string& path) {
  auto bad = [&](const std::string& why) {
    return DataLossError("'" + path + "' is not a valid .npy file: " + why);
  };
  if (bytes.size() < 10 || std::string(bytes.begin() + 1, bytes.begin() + 6) != "NUMPY" ||
      bytes[0] != 0x93) {
    return bad("bad magic");
  }
  const int major = bytes[6];
  size_t header_len, header_start;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return bad("truncated header");
    header_len =
        bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (static_cast<size_t>(bytes[11]) << 24);
    header_start = 12;
  } else {
    return bad("version " + std::to_string(major));
  }
  if (header_start + header_len > bytes.size()) return bad("truncated header");
  const std::string header(bytes.begin() + header_start, bytes.begin() + header_start + header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) return bad("no descr");
  VKD_ASSIGN_OR_RETURN(ir::DataType type, FromDescr(m[1]));
  if (std::regex_search(header, m, std::regex("'fortran_order':\\s*True"))) {
    return UnimplementedError("'" + path + "': Fortran-order arrays unsupported");
  }
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    return bad("no shape");
  HostTensor t;
  t.type = type;
  // Every comma-separated entry must be a non-negative integer that fits a
  // dimension: "-3" is not read as 3, and 2^31 is an error, not an abort.
  std::stringstream dims(m[1].str());
  for (std::string d; std::getline(dims, d, ',');) {
    const size_t b = d.find_first_not_of(" \t"), e = d.find_last_not_of(" \t");
    if (b == std::string::npos) continue;  // "(3,)": the empty entry after the last comma
    d = d.substr(b, e - b + 1);
    if (d.size() > 10 || d.find_first_not_of("0123456789") != std::string::npos) {
      return bad("shape entry '" + d + "' is not a dimension");
    }
    const long long v = std::stoll(d);
    if (v > std::numeric_limits<int32_t>::max()) return bad("dimension " + d + " too large");
    t.shape.push_back(static_cast<int32_t>(v));
  }
  int64_t elements = 0;
  if (!ir::CheckedNumElements(t.shape, &elements)) {
    return bad("shape " + ir::ShapeToString(t.shape) + " has more than 2^40 elements");
  }
  const size_t need = static_cast<size_t>(elements) * ir::DataTypeSize(type);
  const size_t data_start = header_start + header_len;
  if (bytes.size() - data_start != need) {
    return bad("data holds " + std::to_string(bytes.size() - data_start) + " bytes, shape needs " +
               std::to_string(need));
  }
  t.bytes.assign(bytes.begin() + data_start, bytes.end());
  return t;
}

Status WriteNpy(const std::string& path, const HostTensor& t) {
  const char* descr = Descr(t.type);
  if (!descr)
    return UnimplementedError(std::string("cannot write ") + ir::DataTypeName(t.type) + " as .npy");
  // A Python tuple: "()", "(3,)", "(2, 3)".
  std::string shape;
  for (size_t i = 0; i < t.shape.size(); ++i) {
    if (i) shape += ", ";
    shape += std::to_string(t.shape[i]);
  }
  if (t.shape.size() == 1) shape += ",";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad so that the data starts at a multiple of 64 bytes, newline-terminated.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return NotFoundError("cannot write '" + path + "'");
  const uint8_t preamble[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                static_cast<uint8_t>(header.size() & 0xff),
                                static_cast<uint8_t>(header.size() >> 8)};
  bool ok = std::fwrite(preamble, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(t.bytes.data(), 1, t.bytes.size(), f) == t.bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  return ok ? Status::Ok() : InternalError("short write to '" + path + "'");
}

}  // namespace vkd::tools
