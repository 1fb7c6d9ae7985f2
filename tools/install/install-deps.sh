#!/bin/sh
# Install what edgexdp needs on Debian 12, only what is missing. Run as root.
# Quiet and quick when everything is already there, so `make run` and
# `make test` can call it every time.
set -eu

# package: why
PACKAGES="
make
gcc
clang
llvm
pkg-config
libbpf-dev
libxdp-dev
bpftool
xdp-tools
libyaml-dev
libjson-c-dev
libcmocka-dev
iproute2
nftables
socat
jq
bats
cppcheck
clang-tidy
"
# The lab (tools/lab.sh, tests/e2e/lab.bats):
#   python3       tools/lab/labnet.py: the lab's echo listeners, its probes
#                 and the forged reply packets (standard library only)
#   iputils-ping  the ICMP echo attack
#   procps        sysctl: forwarding, rp_filter, DAD, ports in each namespace
#   coturn        the A/V edge as a real TURN relay: turnserver, and its
#                 turnutils_uclient and turnutils_peer (tools/lab/turn.sh)
#   openssl       the TURN server's throwaway certificate for TLS on 443
PACKAGES="$PACKAGES
python3
iputils-ping
procps
coturn
openssl
"
# Installed like a service (tests/integration/install.bats):
#   mandoc          mandoc -Tlint on the man pages, and rendering them
#   bash-completion the completion framework the completion script uses
#   systemd         systemd-analyze verify on the unit
#   bsdextrautils   col, to read rendered man pages as plain text
# The drop log (tests/integration/droplog.bats):
#   libpcap-dev  writing pcap files (log -w)
#   tcpdump      reading them back
PACKAGES="$PACKAGES
libpcap-dev
tcpdump
"
# The Debian package (make deb, tests/integration/deb.bats):
#   dpkg-dev, debhelper, build-essential  dpkg-buildpackage with dh
#   lintian                               checking the package
#   man-db                                man -w finds the installed page
PACKAGES="$PACKAGES
dpkg-dev
debhelper
build-essential
lintian
man-db
"
# Metrics (tests/integration/metrics.bats):
#   libmicrohttpd-dev  the exporter's HTTP server
#   prometheus         promtool check metrics on the exposition
#   curl               scraping the exporter
PACKAGES="$PACKAGES
libmicrohttpd-dev
prometheus
curl
mandoc
bash-completion
systemd
bsdextrautils
"

# The VM stage of `make test` (tools/vm.sh, tests/vm/):
#   qemu-system-x86  boots Debian 12's kernel (KVM when it works, else TCG)
#   busybox-static   the initramfs, and modprobe inside the VM
#   cpio             packs the initramfs
PACKAGES="$PACKAGES
qemu-system-x86
busybox-static
cpio
"
# Debian 12's own kernel, the one linux-image-amd64 depends on, unpacked
# here for the VM stage, never installed: no initramfs hook, no boot loader
# entry; this machine's boot kernel stays what it is.
VM_KERNEL_DIR=${EDGEXDP_VM_KERNEL:-/var/cache/edgexdp/debian12-kernel}

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
need_kernel=
[ -e "$VM_KERNEL_DIR/.complete" ] || need_kernel=yes
[ -z "$missing" ] && [ -z "$need_kernel" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing${need_kernel:+ Debian-12-kernel(unpacked, for the VM stage)}" >&2
	echo "install-deps: run as root: tools/install/install-deps.sh" >&2
	exit 1
fi
echo "install-deps: installing:$missing${need_kernel:+ Debian-12-kernel(unpacked)}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's apt-daily or unattended-upgrades may hold dpkg's and
# the lists' locks for a while: wait for them rather than fail at once.
# DPkg::Lock::Timeout covers dpkg's lock; the lists' lock, which update
# takes, gets a retry of its own (on that error only).
APT_LOCK_WAIT=(-o DPkg::Lock::Timeout=600)
apt_update() {
	local out
	for _ in $(seq 60); do
		out=$(apt-get "${APT_LOCK_WAIT[@]}" update -qq 2>&1) && return 0
		case $out in
		*"Could not get lock"* | *"Unable to lock"*) sleep 10 ;;
		*) printf '%s\n' "$out" >&2; return 1 ;;
		esac
	done
	printf '%s\n' "$out" >&2
	return 1
}
apt_update
# shellcheck disable=SC2086
[ -z "$missing" ] || apt-get "${APT_LOCK_WAIT[@]}" install -y -qq --no-install-recommends $missing >/dev/null

# unpack_vm_kernel: the package's files into $VM_KERNEL_DIR, modules.dep
# made by busybox's depmod (the package's postinst would have made it).
unpack_vm_kernel() {
	local pkg tmp ver
	pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
	[ -n "$pkg" ] || { echo "install-deps: linux-image-amd64 names no kernel package" >&2; return 1; }
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg") &&
		rm -rf "$VM_KERNEL_DIR" && mkdir -p "$VM_KERNEL_DIR" &&
		dpkg-deb -x "$tmp"/*.deb "$VM_KERNEL_DIR" || { rm -rf "$tmp"; return 1; }
	rm -rf "$tmp"
	ver=$(ls "$VM_KERNEL_DIR/lib/modules")
	busybox depmod -b "$VM_KERNEL_DIR" "$ver" && touch "$VM_KERNEL_DIR/.complete" &&
		echo "install-deps: Debian 12's kernel $ver unpacked in $VM_KERNEL_DIR"
}
[ -z "$need_kernel" ] || unpack_vm_kernel
echo "install-deps: done"
