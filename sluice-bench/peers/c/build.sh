#!/bin/sh
# build.sh - builds the C peer programs of `sluice bench peers` into OUTDIR:
#   probe        the machine's physical limits (memcpy bandwidth, core-to-core handoff); needs only libc
#   iox-harness  the `iceoryx` harness (iceoryx 2.x C binding, e.g. Debian's libiceoryx-binding-c-dev)
# Usage: build.sh OUTDIR. Exits non-zero, with one line saying why, if iceoryx is missing (probe is built anyway).
# IOX_INCLUDE (the directory holding iceoryx_binding_c/) and IOX_LIBDIR override where iceoryx is looked for.
set -eu

if [ $# -ne 1 ]; then echo "usage: build.sh OUTDIR" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
CFLAGS="-std=gnu11 -O2 -Wall -Wextra"

gcc $CFLAGS -o "$out/probe" "$here/probe.c" -pthread

# The binding's headers live in a versioned directory, e.g. /usr/include/iceoryx/v2.0.3/iceoryx_binding_c/api.h.
inc=${IOX_INCLUDE:-}
if [ -z "$inc" ]; then
    for d in /usr/include/iceoryx/v* /usr/local/include/iceoryx/v*; do
        [ -f "$d/iceoryx_binding_c/api.h" ] && inc=$d
    done
fi
if [ -z "$inc" ] || [ ! -f "$inc/iceoryx_binding_c/api.h" ]; then
    echo "build.sh: iceoryx C binding headers not found (install libiceoryx-binding-c-dev or set IOX_INCLUDE); built probe only" >&2
    exit 1
fi
libdir=${IOX_LIBDIR:-}
ldflags=""
[ -n "$libdir" ] && ldflags="-L$libdir -Wl,-rpath,$libdir"
if ! gcc $CFLAGS -I"$inc" -o "$out/iox-harness" "$here/iox_harness.c" $ldflags -liceoryx_binding_c; then
    echo "build.sh: could not build iox-harness against $inc (is libiceoryx_binding_c.so installed? set IOX_LIBDIR); built probe only" >&2
    exit 1
fi
echo "build.sh: built $out/probe and $out/iox-harness (iceoryx headers $inc)"
