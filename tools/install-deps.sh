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

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root: tools/install-deps.sh" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
