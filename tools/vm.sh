#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run a command as root on Debian 12's own kernel, in qemu, with this
# machine's root filesystem shared read-only (9p, under a RAM overlay in the
# guest) and the results written back to $BUILD/vm/share. Run as root.
#
#   vm.sh [-t SECONDS] CMD [ARG...]
#
# CMD runs with bash in the current directory, with PATH, BUILD, LAB_PREFIX
# and LAB_STATE passed in. Its output streams here; vm.sh exits with its exit
# code, or 125 when the VM did not boot or did not finish in time (-t,
# default 2400 s: TCG on a busy machine is slow). KVM is used when it works, TCG otherwise.
#
# The kernel is the one tools/install/install-deps.sh unpacked from Debian's
# linux-image-amd64 into $EDGEXDP_VM_KERNEL (default below); the initramfs
# (busybox, the virtio/9p/overlay modules, tools/vm/init) is built into
# $BUILD/vm from it.
set -u -o pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-build}
KDIR=${EDGEXDP_VM_KERNEL:-/var/cache/edgexdp/debian12-kernel}
VMDIR=$(mkdir -p "$BUILD/vm" && cd "$BUILD/vm" && pwd)
TIMEOUT=2400
# Modules the initramfs needs to reach the shares; their dependencies are
# added from modules.dep.
INITRD_MODULES="virtio_pci 9pnet_virtio 9p overlay"

die() {
	echo "vm: $*" >&2
	exit 125
}

kernel_version() {
	local v
	[ -e "$KDIR/.complete" ] ||
		die "no Debian 12 kernel in $KDIR; as root run: tools/install/install-deps.sh"
	v=$(ls "$KDIR/lib/modules" 2>/dev/null | head -1)
	[ -n "$v" ] && [ -r "$KDIR/boot/vmlinuz-$v" ] ||
		die "$KDIR holds no kernel image and modules of one version"
	echo "$v"
}

# module_closure VERSION NAME...: relative paths of the modules and all they
# depend on, dependencies first.
module_closure() {
	local dep=$KDIR/lib/modules/$1/modules.dep
	shift
	awk -v want="$*" '
		{ sub(":", "", $1); deps[$1] = $0; n = split($1, p, "/");
		  name = p[n]; sub(/\.ko.*$/, "", name); path[name] = $1 }
		function add(f,    d, k, i) {
			if (f in seen) return
			seen[f] = 1
			k = split(deps[f], d, " ")
			for (i = k; i >= 2; i--) add(d[i])
			print f
		}
		END { k = split(want, w, " ")
		      for (i = 1; i <= k; i++) {
			if (!(w[i] in path)) { print "missing " w[i] > "/dev/stderr"; exit 1 }
			add(path[w[i]]) } }' "$dep"
}

# build_initramfs VERSION: $VMDIR/initramfs-VERSION.cpio.gz, rebuilt when
# /init or the kernel changed.
build_initramfs() {
	local v=$1 img=$VMDIR/initramfs-$1.cpio.gz tree=$VMDIR/initramfs-root f mods
	if [ -s "$img" ] && [ "$img" -nt "$HERE/vm/init" ] && [ "$img" -nt "$0" ] && [ "$img" -nt "$KDIR/.complete" ]; then
		return 0
	fi
	command -v busybox >/dev/null && busybox --list | grep -qx modprobe ||
		die "busybox (static) is missing; as root run: tools/install/install-deps.sh"
	mods=$(module_closure "$v" $INITRD_MODULES) || die "modules.dep of $v lacks a module"
	rm -rf "$tree"
	mkdir -p "$tree"/{bin,dev,proc,sys,lib/modules/"$v"}
	cp "$(command -v busybox)" "$tree/bin/busybox"
	cp "$HERE/vm/init" "$tree/init"
	chmod 755 "$tree/init"
	for f in $mods; do
		mkdir -p "$tree/lib/modules/$v/$(dirname "$f")"
		cp "$KDIR/lib/modules/$v/$f" "$tree/lib/modules/$v/$f"
	done
	cp "$KDIR/lib/modules/$v/modules.dep" "$tree/lib/modules/$v/"
	echo "$INITRD_MODULES" >"$tree/modules.list"
	(cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) >"$img.tmp" &&
		mv "$img.tmp" "$img" || die "cannot build $img"
}

[ "$(id -u)" = 0 ] || die "must run as root"
if [ "${1:-}" = -t ]; then
	TIMEOUT=$2
	shift 2
fi
[ $# -gt 0 ] || die "usage: vm.sh [-t SECONDS] CMD [ARG...]"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing; as root run: tools/install/install-deps.sh"

ver=$(kernel_version) || exit 125
build_initramfs "$ver"
share=$VMDIR/share
rm -rf "$share"
mkdir -p "$share"
echo "$KDIR/lib/modules" >"$share/moddir"
{
	echo "export PATH=$(printf %q "$PATH") BUILD=$(printf %q "$BUILD")"
	echo "export LAB_PREFIX=$(printf %q "${LAB_PREFIX:-exdp-vm-}") LAB_STATE=$(printf %q "${LAB_STATE:-/run/exdp-vm}")"
	echo "cd $(printf %q "$PWD") || exit 125"
	printf '%q ' "$@"
	echo
} >"$share/cmd"

# KVM when it works: a nested /dev/kvm may exist and still abort qemu at
# vCPU setup, so probe with a paused machine (alive after 2 s = usable).
accel="-accel tcg -cpu max"
if [ -w /dev/kvm ]; then
	probe=$(sh -c 'timeout 2 qemu-system-x86_64 -accel kvm -cpu host -m 64 \
		-nodefaults -display none -S </dev/null >/dev/null 2>&1; echo $?' 2>/dev/null)
	[ "$probe" = 124 ] && accel="-accel kvm -cpu host"
fi
echo "vm: booting Debian's $ver (${accel#-accel }) for: $*"
# shellcheck disable=SC2086 # $accel is several options
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 $accel -smp 2 -m 2048 \
	-nodefaults -no-user-config -display none -serial stdio -monitor none \
	-no-reboot -kernel "$KDIR/boot/vmlinuz-$ver" \
	-initrd "$VMDIR/initramfs-$ver.cpio.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 exdp.out=$share" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=exdproot \
	-fsdev local,id=out,path="$share",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=exdpout \
	</dev/null 2>"$VMDIR/qemu.err" | sed -u 's/\r$//'
qrc=${PIPESTATUS[0]}
if [ ! -s "$share/rc" ]; then
	[ "$qrc" = 124 ] && echo "vm: timed out after $TIMEOUT s" >&2
	cat "$VMDIR/qemu.err" >&2
	die "the VM did not run the command to its end (qemu exit $qrc)"
fi
exit "$(cat "$share/rc")"
