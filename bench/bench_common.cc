#include "bench/bench_common.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/npy.h"
#include "common/file_util.h"

extern "C" const char* VkdVersion(void);

namespace vkd::tools {

std::string TensorSummary(const ir::Tensor& t) {
  return "'" + t.name + "' " + ir::DataTypeName(t.type) + " " + ir::ShapeToString(t.shape);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "vkd-bench: %s\n", message.c_str());
  return 1;
}

Status WriteOutputs(const std::string& dir, const std::vector<HostTensor>& outputs) {
  if (dir.empty()) return Status::Ok();
  // Like `mkdir -p`: a folder that does not exist yet is made, parents too.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec && !std::filesystem::is_directory(dir)) {
    return InvalidArgumentError("--output_dir: cannot create '" + dir + "': " + ec.message());
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    VKD_RETURN_IF_ERROR(WriteNpy(dir + "/output_" + std::to_string(o) + ".npy", outputs[o]));
  }
  return Status::Ok();
}

Status WriteReport(const std::string& path, const nlohmann::json& report) {
  if (path.empty()) return Status::Ok();
  std::ofstream f(path);
  if (!f) return InvalidArgumentError("cannot write '" + path + "'");
  f << report.dump(2) << "\n";
  if (!f) return DataLossError("short write to '" + path + "'");
  return Status::Ok();
}

StatusOr<HostTensor> ReadInputFile(const std::string& path, ir::DataType type,
                                   const ir::Shape& shape) {
  const std::string tensor = ir::DataTypeName(type) + std::string(" ") + ir::ShapeToString(shape);
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
    VKD_ASSIGN_OR_RETURN(HostTensor npy, ReadNpy(path));
    if (npy.type != type || npy.shape != shape) {
      return InvalidArgumentError(path + ": " + ir::DataTypeName(npy.type) + " " +
                                  ir::ShapeToString(npy.shape) + ", the input is " + tensor);
    }
    return npy;
  }
  const size_t bytes = static_cast<size_t>(ir::NumElements(shape)) * ir::DataTypeSize(type);
  // One byte more than needed tells a longer file from an exact one.
  VKD_ASSIGN_OR_RETURN(std::vector<char> data, ReadBoundedRegularFile(path, bytes + 1));
  if (data.size() != bytes) {
    return InvalidArgumentError(path + ": " + std::to_string(data.size()) +
                                (data.size() > bytes ? "+" : "") + " bytes, the input " + tensor +
                                " needs " + std::to_string(bytes));
  }
  return HostTensor{type, shape, std::vector<uint8_t>(data.begin(), data.end())};
}

nlohmann::json LatencyJson(const LatencyStats& st) {
  return {{"min", st.min}, {"median", st.median}, {"mean", st.mean},
          {"max", st.max}, {"std", st.std_dev},   {"p50", st.median},
          {"p90", st.p90}, {"p99", st.p99},       {"count", st.count}};
}

nlohmann::json TimingJson(const RunTimes& times) {
  nlohmann::json j = LatencyJson(Stats(times.runs_ms));
  j["first"] = times.first_ms();
  j["warmup_avg"] = Stats(times.warmup_ms).mean;
  j["warmup_count"] = times.warmup_ms.size();
  return j;
}

void AddRunRecord(const Flags& flags, nlohmann::json* report) {
  (*report)["vkdelegate_version"] = VkdVersion();
  nlohmann::json f = nlohmann::json::object();
  for (const auto& [name, value] : flags.Values()) f[name] = value;
  (*report)["flags"] = f;
}

double PeakRssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;  // kB
  }
  return 0;
}

}  // namespace vkd::tools
