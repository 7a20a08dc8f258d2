/* A C program built against an installed vkdelegate, found through
 * find_package(vkdelegate) or pkg-config: it must compile with only the
 * public headers, link libvkdelegate.so and run. */
#include <stdio.h>
#include <string.h>

#include "vkdelegate/vkdelegate.h"

int main(void) {
  const char* version = VkdVersion();
  VkdDelegateOptions options = VkdDelegateOptionsDefault();
  if (version == NULL || strlen(version) == 0) return 1;
  printf("vkdelegate %s, fp16 by default: %d\n", version, (int)options.enable_fp16);
  return 0;
}
