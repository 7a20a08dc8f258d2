#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a tiny C consumer
# against it both ways a user would: find_package(vkdelegate) and pkg-config.
# Both must compile with only the installed headers, link libvkdelegate.so
# through its versioned soname, and run; the installed tools must run too.
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
BUILD="$1"
SRC="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cmake --install "$BUILD" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libvkdelegate.so' | head -n 1)")
[ -n "$libdir" ] || { echo "no libvkdelegate.so installed"; exit 1; }
soname=$(objdump -p "$libdir/libvkdelegate.so" | awk '/SONAME/ { print $2 }')
[ "$soname" = "libvkdelegate.so.0" ] || { echo "soname '$soname'"; exit 1; }
for h in vkdelegate.h version.h runner.h; do [ -f "$prefix/include/vkdelegate/$h" ]; done
"$prefix/bin/vkd-make-model" --output="$tmp/m.tflite" >/dev/null
# vkd-bench runs on the installed library, not the build tree's.
readelf -d "$prefix/bin/vkd-bench" | grep -q 'RUNPATH.*\$ORIGIN/../lib'
if readelf -d "$prefix/bin/vkd-bench" | grep RUNPATH | grep -q "$BUILD"; then
  echo "installed vkd-bench still points into the build tree"; exit 1
fi
VK_ICD_FILENAMES=none VK_DRIVER_FILES=none "$prefix/bin/vkd-bench" --graph="$tmp/m.tflite" \
  --num_runs=1 --min_secs=0 --warmup_min_secs=0 >/dev/null 2>&1
# 1. find_package
cmake -S "$SRC/tests/install" -B "$tmp/fp" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/fp" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/fp/consumer" "$tmp/m.tflite" >"$tmp/fp.out"
grep -q "^vkdelegate " "$tmp/fp.out"
grep -q "^model .*: 66 nodes" "$tmp/fp.out" || { cat "$tmp/fp.out"; exit 1; }
# 2. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc "$SRC/tests/install/consumer.c" -o "$tmp/pc_consumer" $(pkg-config --cflags --libs vkdelegate)
LD_LIBRARY_PATH="$libdir" "$tmp/pc_consumer" | grep -q "^vkdelegate "
[ "$(pkg-config --modversion vkdelegate)" = "0.1.0" ]
# 3. the Python package, finding the installed library by itself
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  env -u VKDELEGATE_LIBRARY PYTHONPATH="$prefix/lib/python3/dist-packages" /usr/bin/python3 -c "
import vkdelegate
it = vkdelegate.Interpreter(model_path='$tmp/m.tflite', options={'use_gpu': False})
it.allocate_tensors(); it.invoke()
assert vkdelegate.delegate_path().startswith('$prefix'), vkdelegate.delegate_path()
print('python', vkdelegate.version())" | grep -q "^python 0.1.0"
fi
echo "install_test: find_package, pkg-config and Python consumers ran against $prefix"
