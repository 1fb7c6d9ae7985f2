#!/usr/bin/env bats
# make deb: a Debian package built with debhelper, checked by lintian,
# installed on this machine, run from the installed files, and removed
# again with nothing left. The package database is the machine's: one such
# test at a time (a lock), and the package is removed on every exit path.

load ../helpers

setup_file() {
	export WORK
	WORK=$(mktemp -d /tmp/edgexdp-deb.XXXXXX)
	# held until the file's last test is done (bats keeps the fd open)
	exec {DEB_LOCK}>/run/lock/edgexdp-deb-test.lock
	flock -w 900 "$DEB_LOCK"
	if dpkg-query -W -f='${Status}' edgexdp 2>/dev/null | grep -q 'ok installed'; then
		echo "edgexdp is installed on this machine already: this test would replace it" >&2
		return 1
	fi
	make -s -C "$REPO" deb DEB_DIR="$WORK" >"$WORK/build.log" 2>&1 ||
		{ tail -30 "$WORK/build.log" >&2; return 1; }
}

teardown_file() {
	# whatever happened: the machine as the test found it
	if [ -e "${WORK:-/nonexistent}/installed" ]; then
		dpkg_waiting -P edgexdp >/dev/null 2>&1
	fi
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	return 0
}

# dpkg_waiting ARGS...: dpkg, again while another dpkg or apt (apt-daily on
# a fresh machine) holds its lock, for up to 10 minutes.
dpkg_waiting() {
	local out rc
	for _ in $(seq 300); do
		out=$(dpkg "$@" 2>&1)
		rc=$?
		[ "$rc" -ne 0 ] && [[ $out == *"locked by another process"* ]] || break
		sleep 2
	done
	[ -z "$out" ] || printf '%s\n' "$out"
	return "$rc"
}

deb_file() { ls "$WORK"/edgexdp_"$(cat "$REPO/VERSION")"_*.deb; }

@test "make deb builds a package holding the tool, its docs and units" {
	deb=$(deb_file)
	[ -f "$deb" ]
	run dpkg-deb -f "$deb" Package Version
	[ "$output" = "Package: edgexdp
Version: $(cat "$REPO/VERSION")" ]
	contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	for f in ./usr/sbin/edgexdp ./usr/share/man/man8/edgexdp.8.gz \
		./usr/share/man/man5/edgexdp.yaml.5.gz ./lib/systemd/system/edgexdp.service \
		./lib/systemd/system/edgexdp-exporter.service \
		./usr/share/bash-completion/completions/edgexdp \
		./usr/share/doc/edgexdp/edgexdp.example.yaml ./usr/share/doc/edgexdp/copyright; do
		grep -qx -- "$f" <<<"$contents" || { echo "missing $f"; return 1; }
	done
	# nothing of the build or the tests
	! grep -qE 'test|bats|\.o$' <<<"$contents"
}

@test "lintian reports no errors" {
	run lintian --fail-on error "$(deb_file)"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q '^E: ' <<<"$output"
}

@test "installed, edgexdp runs from the installed files; dpkg -r removes them all" {
	touch "$WORK/installed"
	run dpkg_waiting -i "$(deb_file)"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run /usr/sbin/edgexdp --version
	[ "$output" = "edgexdp $(cat "$REPO/VERSION")" ]
	run /usr/sbin/edgexdp check -c /usr/share/doc/edgexdp/edgexdp.example.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == *"admin-ssh"* ]]
	man -w edgexdp | grep -q '/usr/share/man/man8/edgexdp.8.gz'
	run systemd-analyze verify --man=no /lib/systemd/system/edgexdp.service
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# the firewall waits for its operator: not enabled by the install
	[ ! -e /etc/systemd/system/sysinit.target.wants/edgexdp.service ]

	files=$(dpkg -L edgexdp | while read -r f; do [ -f "$f" ] && echo "$f"; done)
	[ -n "$files" ]
	run dpkg_waiting -r edgexdp
	[ "$status" -eq 0 ]
	for f in $files; do
		[ ! -e "$f" ] || { echo "left behind: $f"; return 1; }
	done
	dpkg_waiting -P edgexdp >/dev/null
	rm "$WORK/installed"
	! dpkg-query -W -f='${Status}' edgexdp 2>/dev/null | grep -q installed
}
