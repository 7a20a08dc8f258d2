// Pieces both of vkd-bench's modes share (standalone and the TFLite host):
// failing with a message, writing outputs and the JSON report, reading input
// files, the timing JSON, the process's peak memory.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/bench_timing.h"
#include "bench/flags.h"
#include "bench/host_tensor.h"
#include "common/status.h"

namespace vkd::tools {

// "'name' FLOAT32 [1,96,96,3]": a tensor in one line, for reports and errors.
std::string TensorSummary(const ir::Tensor& t);

// Prints "vkd-bench: message" to stderr; returns 1 (the exit status).
int Fail(const std::string& message);

// Writes output_<i>.npy into `dir` (made with its parents); nothing for "".
Status WriteOutputs(const std::string& dir, const std::vector<HostTensor>& outputs);
// Writes the report to `path`; nothing for "".
Status WriteReport(const std::string& path, const nlohmann::json& report);

// A value file for an input of `type` and `shape`: .npy (its own dtype and
// shape must match), or raw bytes of exactly the tensor's size (benchmark_model's
// --input_layer_value_files format).
StatusOr<HostTensor> ReadInputFile(const std::string& path, ir::DataType type,
                                   const ir::Shape& shape);

// {min, median, mean, max, std, p50, p90, p99, first, warmup_avg, count}.
nlohmann::json LatencyJson(const LatencyStats& st);
nlohmann::json TimingJson(const RunTimes& times);

// What every report carries: vkdelegate's version and every flag's value.
void AddRunRecord(const Flags& flags, nlohmann::json* report);

// The process's peak resident memory so far (VmHWM), in MiB; 0 if unknown.
double PeakRssMiB();

}  // namespace vkd::tools
