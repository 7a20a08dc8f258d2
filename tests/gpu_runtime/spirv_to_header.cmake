# Turns a SPIR-V binary into a C++ header holding it as a byte array, so the
# tests embed their shaders without xxd or other extra tools.
#   cmake -DIN=x.spv -DOUT=x_spv.h -DNAME=kXSpv -P spirv_to_header.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes per line (CMake regexes have no {n} repetition).
string(REPEAT "0x..," 16 line)
string(REGEX REPLACE "(${line})" "\\1\n    " bytes "${bytes}")
get_filename_component(src "${IN}" NAME)
file(WRITE "${OUT}.tmp"
  "// Generated from ${src} at build time; do not edit.\n"
  "#pragma once\n\n"
  "alignas(4) static const unsigned char ${NAME}[] = {\n    ${bytes}\n};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
