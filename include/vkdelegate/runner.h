/* vkdelegate without TFLite: run a .tflite model directly, GPU partitions and
 * CPU kernels in one invoke. The C API behind vkd-bench's standalone mode and
 * the Python package (python/vkdelegate), for programs that want no TFLite.
 *
 *   VkdRunnerOptions o = VkdRunnerOptionsDefault();
 *   VkdRunner* r = NULL;
 *   if (VkdRunnerCreateFromFile("model.tflite", &o, &r) != kVkdOk) puts(VkdLastError());
 *   VkdRunnerAllocateTensors(r);
 *   VkdRunnerSetInput(r, 0, pixels, bytes);
 *   VkdRunnerInvoke(r);
 *   VkdRunnerGetOutput(r, 0, scores, bytes);
 *   VkdRunnerDelete(r);
 *
 * Every call returns a status; on failure VkdLastError() holds the message
 * (per thread, until the next failing call), naming node, op and tensor where
 * it can. A runner is used from one thread at a time.
 *
 * Structs are filled by the library: start options from
 * VkdRunnerOptionsDefault() and set the fields you need, so that fields added
 * later keep their defaults. */
#ifndef VKDELEGATE_RUNNER_H_
#define VKDELEGATE_RUNNER_H_

#include <stddef.h>
#include <stdint.h>

#include "vkdelegate/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  kVkdOk = 0,
  kVkdInvalidArgument = 1, /* bad call, bad model, wrong shape or size */
  kVkdNotFound = 2,        /* no such file */
  kVkdUnimplemented = 3,   /* an op or type neither the GPU nor the CPU kernels take */
  kVkdResourceExhausted = 4,
  kVkdUnavailable = 5,
  kVkdInternal = 6,
} VkdStatus;

typedef struct VkdRunnerOptions {
  int32_t use_gpu;              /* 1: supported ops on the GPU (default); 0: CPU only */
  int32_t device_index;         /* -1: the best hardware GPU (discrete > integrated >
                                   virtual); -2: any device, software (lavapipe) too;
                                   N: that Vulkan device. See VKD_DEVICE below. */
  int32_t enable_fp16;          /* 1: fp16 storage and arithmetic on the GPU */
  int32_t num_threads;          /* CPU kernel threads; -1: one per core (default 1) */
  const char* cache_dir;        /* NULL: ~/.cache/vkdelegate/gpu; "": no disk cache */
  int32_t enable_quant;         /* 1: int8/uint8 ops in float on the GPU */
  int32_t max_partitions;       /* 0: no limit */
  int32_t min_nodes_per_partition;
  int32_t enable_profiling;     /* per-node CPU times and per-dispatch GPU timestamps */
  int32_t enable_validation;    /* Khronos validation layer (tests) */
  int32_t tuning;               /* kernel variants timed at first prepare: 0 auto (real
                                   GPUs, 300 ms budget), 1 off, 2 full */
  int32_t cpu_memory_budget_mb; /* CPU tensor arena limit; 0: 3/4 of physical memory */
  int32_t gpu_memory_budget_mb; /* GPU memory limit; 0: 9/10 of the device heap */
  const char* force_variants;   /* comma-separated kernel variant names used wherever a
                                   kernel offers them (tests); NULL or "": none */
} VkdRunnerOptions;

typedef struct VkdRunner VkdRunner;

#define VKD_MAX_DIMS 8

typedef struct VkdTensorInfo {
  const char* name;      /* valid while the runner lives */
  int32_t type;          /* TFLite's TensorType numbering: 0 FLOAT32, 2 INT32, 3 UINT8, 9 INT8 ... */
  const char* type_name; /* "FLOAT32", "INT8", ... */
  int32_t num_dims;
  int32_t dims[VKD_MAX_DIMS];
  size_t bytes;
  /* Quantization: scale 0 when none; per-channel tensors report channel 0. */
  float scale;
  int64_t zero_point;
  int32_t num_scales; /* 1 per tensor, > 1 per channel */
} VkdTensorInfo;

typedef struct VkdNodePlacement {
  const char* op;     /* "CONV_2D" */
  int32_t on_gpu;     /* 1: in a GPU partition */
  int32_t partition;  /* its index, -1 on the CPU */
  const char* reason; /* why it runs on the CPU, in words that name the fix; "" on the GPU */
} VkdNodePlacement;

VKD_EXPORT VkdRunnerOptions VkdRunnerOptionsDefault(void);

/* The last failure's message on this thread ("" when none). */
VKD_EXPORT const char* VkdLastError(void);

VKD_EXPORT VkdStatus VkdRunnerCreateFromFile(const char* path, const VkdRunnerOptions* options,
                                             VkdRunner** runner);
/* The model's bytes are copied: the buffer may be freed afterwards. */
VKD_EXPORT VkdStatus VkdRunnerCreateFromBuffer(const void* data, size_t size,
                                               const VkdRunnerOptions* options,
                                               VkdRunner** runner);
VKD_EXPORT void VkdRunnerDelete(VkdRunner* runner);

VKD_EXPORT int32_t VkdRunnerInputCount(const VkdRunner* runner);
VKD_EXPORT int32_t VkdRunnerOutputCount(const VkdRunner* runner);
VKD_EXPORT VkdStatus VkdRunnerInputInfo(const VkdRunner* runner, int32_t index,
                                        VkdTensorInfo* info);
VKD_EXPORT VkdStatus VkdRunnerOutputInfo(const VkdRunner* runner, int32_t index,
                                         VkdTensorInfo* info);

/* Resizing needs AllocateTensors again before the next invoke. */
VKD_EXPORT VkdStatus VkdRunnerResizeInput(VkdRunner* runner, int32_t index, const int32_t* dims,
                                          int32_t num_dims);
VKD_EXPORT VkdStatus VkdRunnerAllocateTensors(VkdRunner* runner);
/* `bytes` must equal the tensor's size. */
VKD_EXPORT VkdStatus VkdRunnerSetInput(VkdRunner* runner, int32_t index, const void* data,
                                       size_t bytes);
VKD_EXPORT VkdStatus VkdRunnerInvoke(VkdRunner* runner);
VKD_EXPORT VkdStatus VkdRunnerGetOutput(const VkdRunner* runner, int32_t index, void* data,
                                        size_t bytes);

/* Where every node runs and why. The strings stay valid until the runner is
 * deleted or AllocateTensors is called again. */
VKD_EXPORT int32_t VkdRunnerNodeCount(const VkdRunner* runner);
VKD_EXPORT VkdStatus VkdRunnerNodePlacement(const VkdRunner* runner, int32_t node,
                                            VkdNodePlacement* placement);
/* Why the GPU is not used at all ("" when it is, or was not asked for). */
VKD_EXPORT const char* VkdRunnerGpuFallbackReason(const VkdRunner* runner);

/* --- What ran where, and what it cost: the figures vkd-bench reports. ------ */

typedef struct VkdRunnerStats {
  const char* device_name;   /* the Vulkan device in use; "" when the GPU is not used */
  const char* device_driver; /* driver name and version */
  const char* device_kind;   /* "discrete", "integrated", "virtual", "cpu", "other" */
  const char* precision;     /* "fp32" | "fp16" on the GPU; "" without one */
  const char* shader_cache_dir; /* "" when memory only */
  const char* quant_note;    /* why enable_quant did not apply; "" when it did or was not asked */
  int32_t nodes;             /* the model's */
  int32_t nodes_on_gpu;
  int32_t partitions;
  int32_t dispatches_per_invoke; /* GPU dispatches per invoke, I/O conversions included */
  int32_t io_dispatches_per_invoke;
  int32_t barriers_per_invoke;
  /* Start-up, ms. Vulkan's own instance and device creation is reported apart. */
  double read_ms;     /* reading and verifying the model */
  double create_ms;   /* VkdRunnerCreate* in all (read, Vulkan context, partitioning) */
  double allocate_ms; /* the latest VkdRunnerAllocateTensors (GPU partitions are built there) */
  double vulkan_instance_ms, vulkan_device_ms, vulkan_context_ms;
  double partition_ms;      /* GPU verdicts and partitioning */
  double gpu_build_ms;      /* lowering, fusion, weight re-layout */
  double shader_compile_ms; /* code generation and SPIR-V (or the cache) */
  double pipeline_ms, upload_ms, tuning_ms, record_ms;
  int32_t tuned_shapes;        /* kernel shapes timed in this runner's prepares */
  int32_t shaders_compiled;    /* SPIR-V modules compiled: 0 on a warm cache */
  int32_t shader_disk_hits, shader_memory_hits;
  /* Memory, bytes. */
  uint64_t cpu_arena_bytes, gpu_activation_bytes, gpu_weight_bytes, gpu_peak_bytes;
  /* GPU time of the latest invoke (timestamps over every partition); -1 when
   * unknown (no GPU, or the device has no timestamps). */
  double last_invoke_gpu_ms;
} VkdRunnerStats;

/* Strings stay valid until the runner is deleted or AllocateTensors is called. */
VKD_EXPORT VkdStatus VkdRunnerGetStats(const VkdRunner* runner, VkdRunnerStats* stats);

/* One compute dispatch of an invoke, in submission order over all partitions.
 * The input/output layout conversions around each partition are not listed;
 * VkdRunnerStats counts them (io_dispatches_per_invoke). */
typedef struct VkdDispatchInfo {
  int32_t partition;
  const char* kernel;       /* "conv2d[node 3 CONV_2D]" */
  const char* variant;      /* the kernel variant; "" for kernels with one form */
  const char* chosen_by;    /* "heuristic", "tuned", "tuned-cache", "forced"; "" */
  const int32_t* nodes;     /* the model nodes it computes (several: fused) */
  int32_t num_nodes;
  double flops;             /* arithmetic per invoke; 0 when not counted */
  /* With enable_profiling, since the last VkdRunnerResetProfile: */
  double first_ms, avg_ms;
  int64_t invokes;
} VkdDispatchInfo;

VKD_EXPORT int32_t VkdRunnerDispatchCount(const VkdRunner* runner);
VKD_EXPORT VkdStatus VkdRunnerDispatchInfo(const VkdRunner* runner, int32_t index,
                                           VkdDispatchInfo* info);

/* With enable_profiling: one entry per step of an invoke, in run order: a
 * CPU node, or a GPU partition's wall time (record, submit, wait; its
 * dispatches are listed by VkdRunnerDispatchInfo). Empty without profiling. */
typedef struct VkdProfileEntry {
  int32_t node;               /* the model node on the CPU; -1 for a partition */
  int32_t partition;          /* the GPU partition; -1 for a CPU node */
  const char* implementation; /* CPU: "xnnpack", "vkdelegate" (own kernels) or
                                 "reference"; "" for a partition */
  double first_ms, avg_ms;
  int64_t invokes;
} VkdProfileEntry;

VKD_EXPORT int32_t VkdRunnerProfileCount(const VkdRunner* runner);
VKD_EXPORT VkdStatus VkdRunnerProfileEntry(const VkdRunner* runner, int32_t index,
                                           VkdProfileEntry* entry);
/* Zeroes the profile (e.g. after warm-up runs). */
VKD_EXPORT VkdStatus VkdRunnerResetProfile(VkdRunner* runner);

/* --- The model's graph, for tools that draw or label it. ------------------ */

typedef struct VkdNodeInfo {
  int32_t builtin_code;    /* TFLite's BuiltinOperator (32 = CUSTOM) */
  const char* op;          /* "CONV_2D" */
  const char* custom_name; /* "" unless CUSTOM */
  const int32_t* inputs;   /* tensor indices; -1 for an omitted optional input */
  int32_t num_inputs;
  const int32_t* outputs;
  int32_t num_outputs;
} VkdNodeInfo;

VKD_EXPORT VkdStatus VkdRunnerNodeInfo(const VkdRunner* runner, int32_t node, VkdNodeInfo* info);
VKD_EXPORT int32_t VkdRunnerTensorCount(const VkdRunner* runner);
/* Any tensor of the model (constants, activations), by tensor index. */
VKD_EXPORT VkdStatus VkdRunnerTensorInfo(const VkdRunner* runner, int32_t tensor,
                                         VkdTensorInfo* info);
/* The tensor index of input / output `index` (-1 when out of range). */
VKD_EXPORT int32_t VkdRunnerInputTensor(const VkdRunner* runner, int32_t index);
VKD_EXPORT int32_t VkdRunnerOutputTensor(const VkdRunner* runner, int32_t index);

#ifdef __cplusplus
}
#endif

#endif /* VKDELEGATE_RUNNER_H_ */
