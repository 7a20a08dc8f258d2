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
 * it can. A runner is used from one thread at a time. */
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
  int32_t device_index;         /* -1: discrete > integrated > CPU device */
  int32_t enable_fp16;          /* 1: fp16 storage and arithmetic on the GPU */
  int32_t num_threads;          /* CPU kernel threads; -1: one per core (default 1) */
  const char* cache_dir;        /* NULL: ~/.cache/vkdelegate/gpu; "": no disk cache */
  int32_t enable_quant;         /* 1: int8/uint8 ops in float on the GPU */
  int32_t max_partitions;       /* 0: no limit */
  int32_t min_nodes_per_partition;
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

#ifdef __cplusplus
}
#endif

#endif /* VKDELEGATE_RUNNER_H_ */
