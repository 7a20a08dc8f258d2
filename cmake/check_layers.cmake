# Include rules of vkdelegate's layers (README "Layout"): each folder may
# include only itself and the layers below it. Run as `cmake -DROOT=<source>
# -DSTAMP=<file> -P check_layers.cmake`; a wrong-way include stops the build
# with the file, the line and the rule.
#
#   common/        -> common
#   model/         -> common, model, schema (the generated .tflite reader)
#   ops/           -> common, model, ops
#   cpu_fallback/  -> common, model, ops, cpu_fallback
#   shaders/       -> common, shaders          (no Vulkan objects, no models)
#   gpu_runtime/   -> common, gpu_runtime      (no models)
# Quoted includes without a folder are the including file's neighbours.
cmake_policy(VERSION 3.24)
set(rules
  "common:common"
  "model:common,model,schema"
  "ops:common,model,ops"
  "cpu_fallback:common,model,ops,cpu_fallback"
  "shaders:common,shaders"
  "gpu_runtime:common,gpu_runtime")
set(violations "")
foreach(rule IN LISTS rules)
  string(REGEX REPLACE ":.*" "" layer "${rule}")
  string(REGEX REPLACE "^[^:]*:" "" allowed "${rule}")
  string(REPLACE "," ";" allowed "${allowed}")
  file(GLOB_RECURSE files "${ROOT}/${layer}/*.h" "${ROOT}/${layer}/*.cc" "${ROOT}/${layer}/*.inc")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" path "${line}")
      if(NOT path MATCHES "/")
        continue()
      endif()
      string(REGEX REPLACE "/.*" "" top "${path}")
      if(NOT top IN_LIST allowed)
        file(RELATIVE_PATH rel "${ROOT}" "${f}")
        string(REPLACE ";" ", " may "${allowed}")
        string(APPEND violations "\n  ${rel}: #include \"${path}\" (${layer}/ may include ${may})")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "vkdelegate: includes that point up the layers:${violations}")
endif()
file(TOUCH "${STAMP}")
