#!/usr/bin/env bats
# Installed like a service: make install/uninstall, man pages in step with
# the help, the systemd unit (verified, and its commands run for real in a
# namespace), bash completion.

load ../helpers

setup_file() {
	export GW="exdp-inst-gw-$$" PEER="exdp-inst-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	export DEST="$BATS_FILE_TMPDIR/root"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	make -s -C "$REPO" install DESTDIR="$DEST" PREFIX=/usr/local >/dev/null
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

MAN8() { mandoc -Tascii "$REPO/doc/edgexdp.8" | col -bx; }
MAN5() { mandoc -Tascii "$REPO/doc/edgexdp.yaml.5" | col -bx; }

@test "make install puts each part in its place; make uninstall removes them" {
	for f in sbin/edgexdp share/man/man8/edgexdp.8 share/man/man5/edgexdp.yaml.5 \
		share/bash-completion/completions/edgexdp lib/systemd/system/edgexdp.service \
		lib/systemd/system/edgexdp-exporter.service \
		share/doc/edgexdp/edgexdp.example.yaml; do
		[ -f "$DEST/usr/local/$f" ] || { echo "missing $f"; return 1; }
	done
	[ -x "$DEST/usr/local/sbin/edgexdp" ]
	run "$DEST/usr/local/sbin/edgexdp" --version
	[ "$output" = "edgexdp $(cat "$REPO/VERSION")" ]
	run "$DEST/usr/local/sbin/edgexdp" check -c "$DEST/usr/local/share/doc/edgexdp/edgexdp.example.yaml"
	[ "$status" -eq 0 ]
	grep -q '^ExecStart=/usr/local/sbin/edgexdp load' "$DEST/usr/local/lib/systemd/system/edgexdp.service"

	other="$BATS_TEST_TMPDIR/other"
	make -s -C "$REPO" install DESTDIR="$other" PREFIX=/usr >/dev/null
	[ -x "$other/usr/sbin/edgexdp" ]
	make -s -C "$REPO" uninstall DESTDIR="$other" PREFIX=/usr >/dev/null
	[ -z "$(find "$other" -type f)" ]
}

@test "the man pages pass mandoc -Tlint" {
	run mandoc -Tlint -W warning "$REPO/doc/edgexdp.8" "$REPO/doc/edgexdp.yaml.5"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "edgexdp(8) names every command and option the help does" {
	man=$(MAN8)
	cmds=$("$EDGEXDP" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
	[ -n "$cmds" ]
	for c in $cmds; do
		grep -qw -- "$c" <<<"$man" || { echo "command $c not in edgexdp.8"; return 1; }
		opts=$("$EDGEXDP" help "$c" | grep -oE '(^|[ [,(])--?[a-zA-Z][a-z-]*' | sed 's/^[ [,(]//' | sort -u)
		for o in $opts; do
			grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$man" || { echo "$c: $o not in edgexdp.8"; return 1; }
		done
	done
	for o in $("$EDGEXDP" --help | grep -oE '(^|[ [,])--?[a-zA-Z][a-z-]*' | sed 's/^[ [,]//' | sort -u); do
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$man" || { echo "global $o not in edgexdp.8"; return 1; }
	done
	# environment and exit status, as the help states them
	grep -q EDGEXDP_BPFFS <<<"$man"
	grep -q 'EXIT STATUS' <<<"$man"
}

@test "edgexdp.yaml(5) documents every key of the example, and its example loads" {
	man=$(MAN5)
	keys=$(sed 's/#.*//' "$REPO/examples/edgexdp.example.yaml" | grep -oE '^ *-? *\{? *[a-z_]+:|[{,] *[a-z_]+:' |
		grep -oE '[a-z_]+' | sort -u)
	[ -n "$keys" ]
	for k in $keys; do
		grep -qw -- "$k" <<<"$man" || { echo "key $k not in edgexdp.yaml.5"; return 1; }
	done
	ex="$BATS_TEST_TMPDIR/man-example.yaml"
	# the literal block, less the indent of its first line
	sed -n '/^EXAMPLES/,/^SEE ALSO/p' <<<"$man" | sed -n '/^ *interfaces:/,/^ *$/p' |
		awk 'NR == 1 { n = match($0, /[^ ]/) - 1 } { print substr($0, n + 1) }' > "$ex"
	grep -q admin-ssh "$ex"
	run "$EDGEXDP" check -c "$ex"
	[ "$status" -eq 0 ]
	[[ "$output" == *admin-ssh* ]]
}

@test "the systemd unit is nftables-style and systemd-analyze verify accepts it" {
	unit="$DEST/usr/local/lib/systemd/system/edgexdp.service"
	for d in Type=oneshot RemainAfterExit=yes DefaultDependencies=no \
		Wants=network-pre.target 'Before=network-pre.target' \
		'ExecStartPre=/usr/local/sbin/edgexdp check' 'ExecStart=/usr/local/sbin/edgexdp load' \
		'ExecReload=/usr/local/sbin/edgexdp reload' 'ExecStop=/usr/local/sbin/edgexdp unload'; do
		grep -q "^$d" "$unit" || { echo "no $d"; return 1; }
	done
	run systemd-analyze verify --man=no --root="$DEST" "$unit"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# the exporter has the default dependencies: verify it against this
	# host's units, with the binary where it is here
	sed "s|/usr/local/sbin/edgexdp|$EDGEXDP|" "${unit%.service}-exporter.service" \
		> "$BATS_TEST_TMPDIR/edgexdp-exporter.service"
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/edgexdp-exporter.service"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# it can fail: a unit whose binary is missing is refused
	sed 's|/usr/local/sbin/edgexdp|/usr/local/sbin/nonexistent|' "$unit" > "$BATS_TEST_TMPDIR/bad.service"
	run systemd-analyze verify --man=no --root="$DEST" "$BATS_TEST_TMPDIR/bad.service"
	[ "$status" -ne 0 ]
}

@test "the unit's start commands attach and its stop command really detaches" {
	unit="$DEST/usr/local/lib/systemd/system/edgexdp.service"
	# systemd's steps, in its order, with the test's config and paths
	step() {
		sed -n "s|^$1=||p" "$unit" | sed -e "s|/usr/local/sbin/edgexdp|$DEST/usr/local/sbin/edgexdp|" \
			-e "s|/etc/edgexdp/edgexdp.yaml|$CFG|"
	}
	for s in ExecStartPre ExecStart; do
		run in_ns "$GW" $(step "$s")
		[ "$status" -eq 0 ] || { echo "$s: $output"; return 1; }
	done
	[ -n "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -n "$(xdp_prog_id "$GW" veth-int)" ]
	run in_ns "$GW" $(step ExecStop)
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -z "$(xdp_prog_id "$GW" veth-int)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}

# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		shift
		PATH="$(dirname "$EDGEXDP"):$PATH"
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_edgexdp edgexdp "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$DEST/usr/local/share/bash-completion/completions/edgexdp" "$@"
}

@test "bash completion: commands, options, interface names, config files" {
	export EDGEXDP
	run complete_words edgexdp ""
	for c in check load unload status stats export help; do
		grep -qx "$c" <<<"$output" || { echo "no $c"; return 1; }
	done
	run complete_words edgexdp st
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "stats status " ]
	run complete_words edgexdp unload --
	grep -qx -- --keep-state <<<"$output"
	grep -qx -- --config <<<"$output"
	run complete_words edgexdp stats --
	grep -qx -- --interval <<<"$output"
	run complete_words edgexdp --v
	grep -qx -- --version <<<"$output"
	run complete_words edgexdp log --iface ""
	grep -qx lo <<<"$output"
	cd "$BATS_TEST_TMPDIR"
	touch site.yaml notes.txt
	run complete_words edgexdp load -c ""
	grep -qx site.yaml <<<"$output"
	! grep -qx notes.txt <<<"$output"
}
