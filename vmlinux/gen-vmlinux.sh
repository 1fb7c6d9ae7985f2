#!/bin/sh
# Regenerate vmlinux.h from the running kernel's BTF. The checked-in copy lets
# the BPF code build where /sys/kernel/btf/vmlinux is missing; CO-RE
# relocations make the object run on other kernels all the same.
set -eu
here=$(dirname "$0")
btf=${1:-/sys/kernel/btf/vmlinux}
[ -r "$btf" ] || { echo "gen-vmlinux: $btf not readable: this kernel has no BTF" >&2; exit 1; }
bpftool btf dump file "$btf" format c > "$here/vmlinux.h.tmp"
mv "$here/vmlinux.h.tmp" "$here/vmlinux.h"
echo "gen-vmlinux: wrote $here/vmlinux.h from $btf"
