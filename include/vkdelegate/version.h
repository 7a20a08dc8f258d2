// vkdelegate's public C API: the library version and the export macro. The
// delegate entry points are in vkdelegate/vkdelegate.h.
#pragma once

#if defined(_WIN32)
#define VKD_EXPORT __declspec(dllexport)
#else
#define VKD_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

// "MAJOR.MINOR.PATCH" of the loaded libvkdelegate.so.
VKD_EXPORT const char* VkdVersion(void);

#ifdef __cplusplus
}
#endif
