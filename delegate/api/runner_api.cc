// The standalone C API (include/vkdelegate/runner.h) over ModelRunner.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/file_util.h"
#include "common/timer.h"
#include "delegate/api/options_convert.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "vkdelegate/runner.h"

struct VkdRunner {
  std::unique_ptr<vkd::ModelRunner> runner;
  // Placement strings handed out by VkdRunnerNodePlacement, kept with the
  // runner so that the pointers stay valid.
  std::vector<std::string> reasons;
  std::vector<std::string> ops;
  // Start-up times (VkdRunnerStats).
  double read_ms = 0, create_ms = 0, allocate_ms = 0;
  bool profiling = false;  // VkdRunnerProfile* list nothing without it
  // Strings VkdRunnerGetStats hands out.
  std::string device_driver;
};

namespace {

thread_local std::string last_error;

VkdStatus Fail(const vkd::Status& s) {
  last_error = s.message();
  switch (s.code()) {
    case vkd::StatusCode::kOk:
      return kVkdOk;
    case vkd::StatusCode::kInvalidArgument:
    case vkd::StatusCode::kDataLoss:  // a truncated or corrupt model: the caller's input
    case vkd::StatusCode::kOutOfRange:
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
  vkd::api::CommonOptions common;
  // NULL: the default cache folder; "": memory only.
  const std::string error = vkd::api::ConvertCommonOptions(o, vkd::DefaultGpuCacheDir(), &common);
  if (!error.empty()) return vkd::InvalidArgumentError(error);
  vkd::RunnerOptions r;
  r.use_gpu = o.use_gpu != 0;
  r.gpu = common.gpu;
  r.partition = common.partition;
  r.enable_quant = common.enable_quant;
  int threads = o.num_threads;
  if (threads == -1) threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (threads < 1 || threads > 1024) {
    return vkd::InvalidArgumentError("num_threads must be 1..1024 or -1, not " +
                                     std::to_string(o.num_threads));
  }
  r.cpu.num_threads = threads;
  if (o.cpu_memory_budget_mb < 0)
    return vkd::InvalidArgumentError("cpu_memory_budget_mb must be >= 0");
  r.gpu.enable_profiling = r.cpu.enable_profiling = o.enable_profiling != 0;
  if (o.cpu_memory_budget_mb > 0) {
    r.cpu.memory_budget_bytes = static_cast<size_t>(o.cpu_memory_budget_mb) << 20;
  }
  if (o.force_variants != nullptr) {
    std::string list = o.force_variants;
    for (size_t start = 0; start <= list.size();) {
      const size_t end = std::min(list.find(',', start), list.size());
      if (end > start) r.gpu.force_variants.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  r.warn_on_fallback = false;  // the caller reads VkdRunnerGpuFallbackReason
  return r;
}

// `read` reads the model; its time is reported apart.
template <typename ReadFn>
VkdStatus Create(ReadFn read, const VkdRunnerOptions* options, VkdRunner** out) {
  if (out == nullptr) return Fail("runner pointer is NULL");
  *out = nullptr;
  const vkd::Timer total;
  vkd::StatusOr<vkd::reader::Model> model = read();
  const double read_ms = total.ElapsedMs();
  if (!model.ok()) return Fail(model.status());
  auto ro = Convert(options);
  if (!ro.ok()) return Fail(ro.status());
  auto runner = vkd::ModelRunner::Create(std::move(model->graph), *ro);
  if (!runner.ok()) return Fail(runner.status());
  auto r = std::make_unique<VkdRunner>();
  r->runner = std::move(runner).value();
  r->read_ms = read_ms;
  r->profiling = options != nullptr && options->enable_profiling != 0;
  r->create_ms = total.ElapsedMs();
  *out = r.release();
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
  o.enable_profiling = 0;
  o.enable_validation = 0;
  o.tuning = 0;
  o.cpu_memory_budget_mb = 0;
  o.gpu_memory_budget_mb = 0;
  o.force_variants = nullptr;
  return o;
}

const char* VkdLastError(void) { return last_error.c_str(); }

VkdStatus VkdRunnerCreateFromFile(const char* path, const VkdRunnerOptions* options,
                                  VkdRunner** runner) {
  if (path == nullptr) return Fail("path is NULL");
  return Create([&] { return vkd::reader::ReadModelFile(path); }, options, runner);
}

VkdStatus VkdRunnerCreateFromBuffer(const void* data, size_t size, const VkdRunnerOptions* options,
                                    VkdRunner** runner) {
  if (data == nullptr && size > 0) return Fail("data is NULL");
  const auto* bytes = static_cast<const uint8_t*>(data);
  return Create(
      [&] { return vkd::reader::ReadModelFromBytes(std::vector<uint8_t>(bytes, bytes + size)); },
      options, runner);
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
  const vkd::Timer timer;
  const vkd::Status s = r->runner->AllocateTensors();
  r->allocate_ms = timer.ElapsedMs();
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

VkdStatus VkdRunnerGetStats(const VkdRunner* r, VkdRunnerStats* out) {
  if (r == nullptr || out == nullptr) return Fail("runner or stats is NULL");
  const vkd::ModelRunner& m = *r->runner;
  VkdRunnerStats st{};
  st.device_name = st.device_driver = st.device_kind = st.precision = st.shader_cache_dir = "";
  st.quant_note = m.quant_note().c_str();
  st.nodes = static_cast<int32_t>(m.graph().nodes.size());
  st.nodes_on_gpu = m.gpu_active() ? m.plan().num_gpu_nodes() : 0;
  st.partitions = static_cast<int32_t>(m.partitions().size());
  st.read_ms = r->read_ms;
  st.create_ms = r->create_ms;
  st.allocate_ms = r->allocate_ms;
  st.vulkan_context_ms = m.gpu_context_ms();
  st.partition_ms = m.partition_ms();
  st.cpu_arena_bytes = m.interpreter().arena_bytes();
  st.last_invoke_gpu_ms = m.partitions().empty() ? -1 : 0;
  for (const auto& p : m.partitions()) {
    st.dispatches_per_invoke += p->num_dispatches() + p->num_io_dispatches();
    st.io_dispatches_per_invoke += p->num_io_dispatches();
    st.barriers_per_invoke += p->num_barriers();
    const vkd::gpu_delegate::PartitionInitStats& i = p->init_stats();
    st.gpu_build_ms += i.build_ms;
    st.shader_compile_ms += i.shader_ms;
    st.pipeline_ms += i.pipeline_ms;
    st.upload_ms += i.upload_ms;
    st.tuning_ms += i.tuning_ms;
    st.record_ms += i.record_ms;
    st.tuned_shapes += i.tuned_shapes;
    st.gpu_activation_bytes += p->arena_bytes();
    st.gpu_weight_bytes += p->constant_bytes();
    if (st.last_invoke_gpu_ms >= 0) {
      st.last_invoke_gpu_ms = p->last_gpu_ms() < 0 ? -1 : st.last_invoke_gpu_ms + p->last_gpu_ms();
    }
  }
  if (const vkd::gpu_delegate::GpuContext* g = m.gpu_context()) {
    const vkd::gpu::DeviceInfo& info = g->device().info();
    // A string cache, not the runner's state; made once, so that pointers
    // handed out by earlier calls stay valid.
    auto* self = const_cast<VkdRunner*>(r);
    if (self->device_driver.empty())
      self->device_driver = info.driver_name + " " + info.driver_info;
    st.device_name = info.name.c_str();
    st.device_driver = self->device_driver.c_str();
    st.device_kind = vkd::gpu::DeviceKindName(info.kind);
    st.precision = g->precision() == vkd::shaders::Precision::kFp16 ? "fp16" : "fp32";
    st.shader_cache_dir = g->spirv_cache().dir().c_str();
    st.vulkan_instance_ms = g->instance_ms();
    st.vulkan_device_ms = g->device_ms();
    const vkd::shaders::SpirvCacheStats cache = g->spirv_cache().stats();
    st.shaders_compiled = cache.compiles;
    st.shader_disk_hits = cache.disk_hits;
    st.shader_memory_hits = cache.memory_hits;
    st.gpu_peak_bytes = g->allocator().stats().peak_used_bytes;
  }
  *out = st;
  return kVkdOk;
}

int32_t VkdRunnerDispatchCount(const VkdRunner* r) {
  if (r == nullptr) return 0;
  size_t n = 0;
  for (const auto& p : r->runner->partitions()) n += p->profile().size();
  return static_cast<int32_t>(n);
}

VkdStatus VkdRunnerDispatchInfo(const VkdRunner* r, int32_t index, VkdDispatchInfo* out) {
  if (r == nullptr || out == nullptr) return Fail("runner or info is NULL");
  if (BadIndex(index, VkdRunnerDispatchCount(r), "dispatch")) return kVkdInvalidArgument;
  static_assert(sizeof(int) == sizeof(int32_t), "node lists are handed out as int32_t");
  const auto& parts = r->runner->partitions();
  int32_t i = index;
  for (size_t p = 0; p < parts.size(); ++p) {
    const auto& kernels = parts[p]->profile();
    if (i >= static_cast<int32_t>(kernels.size())) {
      i -= static_cast<int32_t>(kernels.size());
      continue;
    }
    const vkd::gpu_delegate::KernelProfile& k = kernels[i];
    *out = VkdDispatchInfo{};
    out->partition = static_cast<int32_t>(p);
    out->kernel = k.name.c_str();
    out->variant = k.variant.c_str();
    out->chosen_by = k.chosen_by.c_str();
    out->nodes = reinterpret_cast<const int32_t*>(k.nodes.data());
    out->num_nodes = static_cast<int32_t>(k.nodes.size());
    out->flops = k.flops;
    out->first_ms = k.first_ms;
    out->avg_ms = k.invokes ? k.total_ms / k.invokes : 0;
    out->invokes = k.invokes;
    return kVkdOk;
  }
  return Fail("dispatch " + std::to_string(index) + " not found");
}

int32_t VkdRunnerProfileCount(const VkdRunner* r) {
  if (r == nullptr || !r->profiling) return 0;
  return static_cast<int32_t>(r->runner->interpreter().profile().size());
}

VkdStatus VkdRunnerProfileEntry(const VkdRunner* r, int32_t index, VkdProfileEntry* out) {
  if (r == nullptr || out == nullptr) return Fail("runner or entry is NULL");
  const auto& profile = r->runner->interpreter().profile();
  if (BadIndex(index, VkdRunnerProfileCount(r), "profile entry")) {
    return kVkdInvalidArgument;
  }
  const vkd::cpu::NodeProfile& p = profile[index];
  // The interpreter runs the rewritten graph: each node there is a model
  // node, or one CUSTOM node per GPU partition.
  const int origin = r->runner->run_node_origin()[p.node_index];
  *out = VkdProfileEntry{};
  out->node = origin >= 0 ? origin : -1;
  out->partition = origin >= 0 ? -1 : -1 - origin;
  out->implementation =
      origin >= 0 ? r->runner->interpreter().node_implementation(p.node_index) : "";
  out->first_ms = p.first_ms;
  out->avg_ms = p.invokes ? p.total_ms / p.invokes : 0;
  out->invokes = p.invokes;
  return kVkdOk;
}

VkdStatus VkdRunnerResetProfile(VkdRunner* r) {
  if (r == nullptr) return Fail("runner is NULL");
  r->runner->interpreter().ResetProfile();
  for (const auto& p : r->runner->partitions()) p->ResetProfile();
  return kVkdOk;
}

VkdStatus VkdRunnerNodeInfo(const VkdRunner* r, int32_t node, VkdNodeInfo* out) {
  if (r == nullptr || out == nullptr) return Fail("runner or info is NULL");
  const vkd::ir::Graph& g = r->runner->graph();
  if (BadIndex(node, static_cast<int>(g.nodes.size()), "node")) return kVkdInvalidArgument;
  const vkd::ir::Node& n = g.nodes[node];
  VkdNodePlacement placement;  // fills the op-name cache
  if (VkdStatus s = VkdRunnerNodePlacement(r, node, &placement); s != kVkdOk) return s;
  *out = VkdNodeInfo{};
  out->builtin_code = static_cast<int32_t>(n.op);
  out->op = placement.op;
  out->custom_name = n.custom_name.c_str();
  out->inputs = n.inputs.data();
  out->num_inputs = static_cast<int32_t>(n.inputs.size());
  out->outputs = n.outputs.data();
  out->num_outputs = static_cast<int32_t>(n.outputs.size());
  return kVkdOk;
}

int32_t VkdRunnerTensorCount(const VkdRunner* r) {
  return r ? static_cast<int32_t>(r->runner->graph().tensors.size()) : 0;
}

VkdStatus VkdRunnerTensorInfo(const VkdRunner* r, int32_t tensor, VkdTensorInfo* info) {
  if (r == nullptr) return Fail("runner is NULL");
  const vkd::ir::Graph& g = r->runner->graph();
  if (BadIndex(tensor, static_cast<int>(g.tensors.size()), "tensor")) return kVkdInvalidArgument;
  return Info(g.tensors[tensor], info);
}

int32_t VkdRunnerInputTensor(const VkdRunner* r, int32_t index) {
  if (r == nullptr || index < 0 || index >= static_cast<int32_t>(r->runner->graph().inputs.size()))
    return -1;
  return r->runner->graph().inputs[index];
}

int32_t VkdRunnerOutputTensor(const VkdRunner* r, int32_t index) {
  if (r == nullptr || index < 0 || index >= static_cast<int32_t>(r->runner->graph().outputs.size()))
    return -1;
  return r->runner->graph().outputs[index];
}

}  // extern "C"
