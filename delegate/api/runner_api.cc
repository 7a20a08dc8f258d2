// The standalone C API (include/vkdelegate/runner.h) over ModelRunner.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/file_util.h"
#include "delegate/model_runner.h"
#include "delegate/reader/model_reader.h"
#include "vkdelegate/runner.h"

struct VkdRunner {
  std::unique_ptr<vkd::ModelRunner> runner;
  // Placement strings handed out by VkdRunnerNodePlacement, kept with the
  // runner so that the pointers stay valid.
  std::vector<std::string> reasons;
  std::vector<std::string> ops;
};

namespace {

thread_local std::string last_error;

VkdStatus Fail(const vkd::Status& s) {
  last_error = s.message();
  switch (s.code()) {
    case vkd::StatusCode::kOk:
      return kVkdOk;
    case vkd::StatusCode::kInvalidArgument:
      return kVkdInvalidArgument;
    case vkd::StatusCode::kNotFound:
      return kVkdNotFound;
    case vkd::StatusCode::kUnimplemented:
      return kVkdUnimplemented;
    case vkd::StatusCode::kResourceExhausted:
      return kVkdResourceExhausted;
    case vkd::StatusCode::kUnavailable:
      return kVkdUnavailable;
    default:
      return kVkdInternal;
  }
}

VkdStatus Fail(const std::string& message) { return Fail(vkd::InvalidArgumentError(message)); }

vkd::StatusOr<vkd::RunnerOptions> Convert(const VkdRunnerOptions* in) {
  const VkdRunnerOptions o = in ? *in : VkdRunnerOptionsDefault();
  vkd::RunnerOptions r;
  r.use_gpu = o.use_gpu != 0;
  r.gpu.device_index = o.device_index;
  r.gpu.precision = o.enable_fp16 ? vkd::shaders::Precision::kFp16 : vkd::shaders::Precision::kFp32;
  r.gpu.cache_dir = o.cache_dir == nullptr ? vkd::DefaultGpuCacheDir() : std::string(o.cache_dir);
  int threads = o.num_threads;
  if (threads == -1) threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (threads < 1 || threads > 1024) {
    return vkd::InvalidArgumentError("num_threads must be 1..1024 or -1, not " +
                                     std::to_string(o.num_threads));
  }
  r.cpu.num_threads = threads;
  r.enable_quant = o.enable_quant != 0;
  if (o.max_partitions < 0 || o.min_nodes_per_partition < 1) {
    return vkd::InvalidArgumentError(
        "max_partitions must be >= 0 and min_nodes_per_partition >= 1");
  }
  r.partition.max_partitions = o.max_partitions;
  r.partition.min_nodes_per_partition = o.min_nodes_per_partition;
  r.warn_on_fallback = false;  // the caller reads VkdRunnerGpuFallbackReason
  return r;
}

VkdStatus Create(vkd::StatusOr<vkd::reader::Model> model, const VkdRunnerOptions* options,
                 VkdRunner** out) {
  if (out == nullptr) return Fail("runner pointer is NULL");
  *out = nullptr;
  if (!model.ok()) return Fail(model.status());
  auto ro = Convert(options);
  if (!ro.ok()) return Fail(ro.status());
  auto runner = vkd::ModelRunner::Create(std::move(model->graph), *ro);
  if (!runner.ok()) return Fail(runner.status());
  *out = new VkdRunner{std::move(runner).value(), {}, {}};
  return kVkdOk;
}

VkdStatus Info(const vkd::ir::Tensor& t, VkdTensorInfo* info) {
  if (info == nullptr) return Fail("info pointer is NULL");
  if (t.shape.size() > VKD_MAX_DIMS) {
    return Fail("tensor '" + t.name + "' has " + std::to_string(t.shape.size()) +
                " dimensions, more than VKD_MAX_DIMS");
  }
  *info = VkdTensorInfo{};
  info->name = t.name.c_str();
  info->type = static_cast<int32_t>(t.type);
  info->type_name = vkd::ir::DataTypeName(t.type);
  info->num_dims = static_cast<int32_t>(t.shape.size());
  for (size_t d = 0; d < t.shape.size(); ++d) info->dims[d] = t.shape[d];
  info->bytes = t.bytes();
  if (!t.quant.empty()) {
    info->scale = t.quant.scale[0];
    info->zero_point = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
    info->num_scales = static_cast<int32_t>(t.quant.scale.size());
  }
  return kVkdOk;
}

bool BadIndex(int32_t index, int count, const char* what) {
  if (index >= 0 && index < count) return false;
  Fail(std::string(what) + " " + std::to_string(index) + " out of range (the model has " +
       std::to_string(count) + ")");
  return true;
}

}  // namespace

extern "C" {

VkdRunnerOptions VkdRunnerOptionsDefault(void) {
  VkdRunnerOptions o;
  o.use_gpu = 1;
  o.device_index = -1;
  o.enable_fp16 = 0;
  o.num_threads = 1;
  o.cache_dir = nullptr;
  o.enable_quant = 0;
  o.max_partitions = 0;
  o.min_nodes_per_partition = 1;
  return o;
}

const char* VkdLastError(void) { return last_error.c_str(); }

VkdStatus VkdRunnerCreateFromFile(const char* path, const VkdRunnerOptions* options,
                                  VkdRunner** runner) {
  if (path == nullptr) return Fail("path is NULL");
  return Create(vkd::reader::ReadModelFile(path), options, runner);
}

VkdStatus VkdRunnerCreateFromBuffer(const void* data, size_t size, const VkdRunnerOptions* options,
                                    VkdRunner** runner) {
  if (data == nullptr && size > 0) return Fail("data is NULL");
  const auto* bytes = static_cast<const uint8_t*>(data);
  return Create(vkd::reader::ReadModelFromBytes(std::vector<uint8_t>(bytes, bytes + size)), options,
                runner);
}

void VkdRunnerDelete(VkdRunner* runner) { delete runner; }

int32_t VkdRunnerInputCount(const VkdRunner* r) { return r ? r->runner->num_inputs() : 0; }
int32_t VkdRunnerOutputCount(const VkdRunner* r) { return r ? r->runner->num_outputs() : 0; }

VkdStatus VkdRunnerInputInfo(const VkdRunner* r, int32_t index, VkdTensorInfo* info) {
  if (r == nullptr) return Fail("runner is NULL");
  if (BadIndex(index, r->runner->num_inputs(), "input")) return kVkdInvalidArgument;
  return Info(r->runner->input_tensor(index), info);
}

VkdStatus VkdRunnerOutputInfo(const VkdRunner* r, int32_t index, VkdTensorInfo* info) {
  if (r == nullptr) return Fail("runner is NULL");
  if (BadIndex(index, r->runner->num_outputs(), "output")) return kVkdInvalidArgument;
  return Info(r->runner->output_tensor(index), info);
}

VkdStatus VkdRunnerResizeInput(VkdRunner* r, int32_t index, const int32_t* dims, int32_t num_dims) {
  if (r == nullptr) return Fail("runner is NULL");
  if (BadIndex(index, r->runner->num_inputs(), "input")) return kVkdInvalidArgument;
  if (num_dims < 0 || num_dims > VKD_MAX_DIMS || (num_dims > 0 && dims == nullptr)) {
    return Fail("bad dims for input " + std::to_string(index));
  }
  const vkd::Status s = r->runner->ResizeInput(index, vkd::ir::Shape(dims, dims + num_dims));
  return s.ok() ? kVkdOk : Fail(s);
}

VkdStatus VkdRunnerAllocateTensors(VkdRunner* r) {
  if (r == nullptr) return Fail("runner is NULL");
  const vkd::Status s = r->runner->AllocateTensors();
  // Placement may change here (a GPU partition that fails to compile falls
  // back to the CPU): placement strings are computed afresh after it.
  r->reasons.clear();
  r->ops.clear();
  return s.ok() ? kVkdOk : Fail(s);
}

VkdStatus VkdRunnerSetInput(VkdRunner* r, int32_t index, const void* data, size_t bytes) {
  if (r == nullptr) return Fail("runner is NULL");
  if (BadIndex(index, r->runner->num_inputs(), "input")) return kVkdInvalidArgument;
  const vkd::ir::Tensor& t = r->runner->input_tensor(index);
  if (bytes != t.bytes() || (bytes > 0 && data == nullptr)) {
    return Fail("input " + std::to_string(index) + " '" + t.name + "' holds " +
                std::to_string(t.bytes()) + " bytes, given " + std::to_string(bytes));
  }
  uint8_t* dst = r->runner->input_data(index);
  if (dst == nullptr)
    return Fail("input " + std::to_string(index) + ": call AllocateTensors first");
  std::memcpy(dst, data, bytes);
  return kVkdOk;
}

VkdStatus VkdRunnerInvoke(VkdRunner* r) {
  if (r == nullptr) return Fail("runner is NULL");
  const vkd::Status s = r->runner->Invoke();
  return s.ok() ? kVkdOk : Fail(s);
}

VkdStatus VkdRunnerGetOutput(const VkdRunner* r, int32_t index, void* data, size_t bytes) {
  if (r == nullptr) return Fail("runner is NULL");
  if (BadIndex(index, r->runner->num_outputs(), "output")) return kVkdInvalidArgument;
  const vkd::ir::Tensor& t = r->runner->output_tensor(index);
  if (bytes != t.bytes() || (bytes > 0 && data == nullptr)) {
    return Fail("output " + std::to_string(index) + " '" + t.name + "' holds " +
                std::to_string(t.bytes()) + " bytes, given " + std::to_string(bytes));
  }
  const uint8_t* src = r->runner->output_data(index);
  if (src == nullptr) return Fail("output " + std::to_string(index) + ": nothing computed yet");
  std::memcpy(data, src, bytes);
  return kVkdOk;
}

int32_t VkdRunnerNodeCount(const VkdRunner* r) {
  return r ? static_cast<int32_t>(r->runner->graph().nodes.size()) : 0;
}

VkdStatus VkdRunnerNodePlacement(const VkdRunner* r, int32_t node, VkdNodePlacement* out) {
  if (r == nullptr || out == nullptr) return Fail("runner or placement is NULL");
  const vkd::ir::Graph& g = r->runner->graph();
  if (BadIndex(node, static_cast<int>(g.nodes.size()), "node")) return kVkdInvalidArgument;
  auto* self = const_cast<VkdRunner*>(r);  // the string cache, not the runner's state
  if (self->reasons.size() != g.nodes.size()) {
    self->reasons.assign(g.nodes.size(), "");
    self->ops.assign(g.nodes.size(), "");
  }
  if (self->ops[node].empty()) {  // filled once: handed-out pointers stay valid
    self->reasons[node] = r->runner->CpuReason(node);
    self->ops[node] = vkd::ir::OpTypeName(g.nodes[node].op);
  }
  out->op = self->ops[node].c_str();
  out->reason = self->reasons[node].c_str();
  out->on_gpu = self->reasons[node].empty() ? 1 : 0;
  out->partition = out->on_gpu ? r->runner->plan().node_partition[node] : -1;
  return kVkdOk;
}

const char* VkdRunnerGpuFallbackReason(const VkdRunner* r) {
  return r ? r->runner->gpu_fallback_reason().c_str() : "";
}

}  // extern "C"
