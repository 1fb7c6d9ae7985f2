# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# edgexdp build. `make` builds everything into build/; `make V=1` shows the
# commands. `make run` and `make test` first install what is missing.

BUILD ?= build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
# Keep BPF objects: the benchmark and tests load them directly.
.SECONDARY:
.SUFFIXES:

PKGS := libbpf libxdp yaml-0.1 json-c libmicrohttpd libpcap
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

VERSION := $(shell cat VERSION)

WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	    -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARNINGS) -std=gnu11 -MMD -MP -D_GNU_SOURCE \
	      -Iinclude -Iuser/lib -I$(BUILD) $(PKG_CFLAGS) \
	      -DEDGEXDP_VERSION='"$(VERSION)"'
LDLIBS := $(PKG_LIBS) -lelf -lz

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Ivmlinux -Iinclude -Ibpf -MMD -MP

SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

# The data path in bpf/; the benchmark's own programs beside it in
# tools/bench/. All are built into $(BUILD)/bpf, each with its skeleton.
BPF_SRCS := $(wildcard bpf/*.bpf.c tools/bench/*.bpf.c)
BPF_OBJS := $(patsubst %.bpf.c,$(BUILD)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS := $(patsubst %.bpf.c,$(BUILD)/%.skel.h,$(notdir $(BPF_SRCS)))
# The data path without its drop log call: the bench's baseline for what
# the log's switch costs a drop while no listener runs.
NOLOG_OBJ := $(BUILD)/bpf/edgexdp_nolog.bpf.o
# Programs only tests load (with xdp-loader), beside the suite using them.
TEST_BPF_SRCS := $(wildcard tests/*/*.bpf.c)
TEST_BPF_OBJS := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(TEST_BPF_SRCS))

# user/lib: the core (config, compiler, maps, loader, pins), built as
# libedgexdp.a; user/cli: the edgexdp commands on top of it. Tests, the
# benchmark and the tools link only the library.
LIB_SRCS := $(wildcard user/lib/*.c)
CLI_SRCS := $(wildcard user/cli/*.c)
USER_SRCS := $(LIB_SRCS) $(CLI_SRCS)
LIB := $(BUILD)/libedgexdp.a
ASAN_LIB := $(BUILD)/asan/libedgexdp.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
ASAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/unit/%,$(UNIT_SRCS))

DATAPATH_SRCS := $(wildcard tests/datapath/*.c)
DATAPATH_BIN := $(BUILD)/tests/datapath/test_datapath
# The packet builder the data path tests and the benchmark share.
PKT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))

# The differential fuzzer: the data path tests' harness and oracle, its
# own model and generator. `make fuzz` runs FUZZ_PACKETS packets (or
# FUZZ_SECONDS) from FUZZ_SEED; mismatches are saved in $(BUILD)/fuzz.
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_BIN := $(BUILD)/tests/fuzz/fuzz_datapath
FUZZ_DP_OBJS := $(BUILD)/tests/datapath/harness.o \
		$(BUILD)/tests/datapath/harness_ct.o \
		$(BUILD)/tests/datapath/oracle.o
FUZZ_PACKETS ?= 1000000
FUZZ_SEED ?= $(shell date +%s)
FUZZ_SECONDS ?=

# libFuzzer on the config parser and the rule compiler, built by clang with
# its sanitizers only for `make fuzz`, seeded with the example configs.
LIBFUZZ_DIR := $(BUILD)/libfuzz
LIBFUZZ_BIN := $(LIBFUZZ_DIR)/fuzz_config
LIBFUZZ_OBJS := $(patsubst %.c,$(LIBFUZZ_DIR)/%.o,$(LIB_SRCS) \
		  tests/libfuzz/fuzz_config.c)
LIBFUZZ_SANITIZE := address,undefined -fno-omit-frame-pointer
LIBFUZZ_SECONDS ?= 60

# tools/bench/: the benchmark and the traffic generator, built as
# $(BUILD)/tools/bench and $(BUILD)/tools/trafficgen from NAME.c and the
# parts named after it (trafficgen_opts.c, bench_cases.c, bench_output.c).
TOOLS := bench trafficgen
TOOL_BINS := $(addprefix $(BUILD)/tools/,$(TOOLS))
TOOL_SRCS := $(filter-out %.bpf.c,$(wildcard tools/bench/*.c))

.PHONY: all deps run test bench fuzz lint format clean vmlinux check-deps \
	install uninstall deb
all: check-deps $(BUILD)/edgexdp $(UNIT_BINS) $(ASAN_UNIT_BINS) \
	$(if $(DATAPATH_SRCS),$(DATAPATH_BIN)) $(if $(FUZZ_SRCS),$(FUZZ_BIN)) \
	$(TOOL_BINS) $(TEST_BPF_OBJS) $(NOLOG_OBJ)

# Say what to do instead of failing on a missing header deep in the build.
check-deps:
	@pkg-config --exists $(PKGS) cmocka && command -v $(CLANG) >/dev/null && \
	 command -v $(BPFTOOL) >/dev/null || { \
	 echo "edgexdp: build dependencies are missing; as root run: tools/install/install-deps.sh" >&2; \
	 exit 1; }

deps:
	@tools/install/install-deps.sh

# The README's two commands: each installs what is missing, then builds.
run: deps
	@$(MAKE) --no-print-directory all
	@tools/lab.sh run $(LAB_ARGS)

test: deps
	@$(MAKE) --no-print-directory all
	@tests/run-all.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench/bench.sh

fuzz: deps
	@$(MAKE) --no-print-directory all $(LIBFUZZ_BIN)
	@$(FUZZ_BIN) $(if $(FUZZ_SECONDS),-t $(FUZZ_SECONDS),-n $(FUZZ_PACKETS)) \
		-s $(FUZZ_SEED) -o $(BUILD)/fuzz
	@mkdir -p $(LIBFUZZ_DIR)/corpus $(LIBFUZZ_DIR)/crashes
	@cp examples/edgexdp.example.yaml tools/lab/edgexdp-lab.yaml \
		$(LIBFUZZ_DIR)/corpus/
	@$(LIBFUZZ_BIN) -max_total_time=$(LIBFUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=$(LIBFUZZ_DIR)/crashes/ \
		-print_final_stats=1 $(LIBFUZZ_DIR)/corpus

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The data path without its drop log call (NOLOG_OBJ).
$(NOLOG_OBJ): bpf/edgexdp.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DEDGEXDP_NO_DROPLOG -c $< -o $@

$(BUILD)/bpf/%.bpf.o: tools/bench/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.bpf.o: tests/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Generated code is not ours to lint: clang-analyzer flags a path in
# bpftool's skeleton allocator that libbpf handles.
$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp
	$(Q){ echo '// NOLINTBEGIN'; cat $@.tmp; echo '// NOLINTEND'; } > $@
	$(Q)rm -f $@.tmp

$(BUILD)/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: %.c | $(SKELS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) -c $< -o $@

# The version is compiled in where it is printed.
$(BUILD)/user/cli/main.o $(BUILD)/user/cli/cmd_status.o: VERSION

# The CLI sees its own headers; the library and its users do not.
$(BUILD)/user/cli/%.o: ALL_CFLAGS += -Iuser/cli

$(LIB): $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(ASAN_LIB): $(patsubst %.c,$(BUILD)/asan/%.o,$(LIB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/edgexdp: $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRCS)) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Objects, then the library: the harnesses named below come after it in $^.
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS) \
		$(CMOCKA_LIBS)

$(BUILD)/asan/tests/unit/%: $(BUILD)/asan/tests/unit/%.o $(ASAN_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(filter %.o,$^) $(filter %.a,$^) \
		$(LDLIBS) $(CMOCKA_LIBS)

# The rule compiler's tests share a harness (tests/unit/ruleset_harness.c).
RULESET_UNIT := test_ruleset test_ruleset_tables
$(addprefix $(BUILD)/tests/unit/,$(RULESET_UNIT)): \
	$(BUILD)/tests/unit/ruleset_harness.o
$(addprefix $(BUILD)/asan/tests/unit/,$(RULESET_UNIT)): \
	$(BUILD)/asan/tests/unit/ruleset_harness.o

$(BUILD)/tests/datapath/%.o $(BUILD)/tools/obj/%.o: ALL_CFLAGS += -Itests/lib

$(DATAPATH_BIN): $(patsubst %.c,$(BUILD)/%.o,$(DATAPATH_SRCS)) $(PKT_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

$(LIBFUZZ_DIR)/%.o: %.c | $(SKELS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(ALL_CFLAGS) -Wno-unknown-warning-option \
		-fsanitize=fuzzer-no-link,$(LIBFUZZ_SANITIZE) -c $< -o $@

$(LIBFUZZ_BIN): $(LIBFUZZ_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CLANG) -fsanitize=fuzzer,$(LIBFUZZ_SANITIZE) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz/%.o: ALL_CFLAGS += -Itests/lib -Itests/datapath

$(FUZZ_BIN): $(patsubst %.c,$(BUILD)/%.o,$(FUZZ_SRCS)) $(FUZZ_DP_OBJS) \
	     $(PKT_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# The tools' objects in a directory of their own: $(BUILD)/tools/bench, where
# tools/bench/'s would go, is the benchmark's binary.
$(BUILD)/tools/obj/%.o: tools/bench/%.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tools/trafficgen: $(BUILD)/tools/obj/trafficgen_opts.o
$(BUILD)/tools/bench: $(BUILD)/tools/obj/bench_cases.o \
	$(BUILD)/tools/obj/bench_output.o

# Only objects: a dependency file of an older layout may name sources here.
$(BUILD)/tools/%: $(BUILD)/tools/obj/%.o $(PKT_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)

$(BUILD)/bpf:
	$(Q)mkdir -p $@

vmlinux:
	vmlinux/gen-vmlinux.sh

# `make install` (PREFIX, DESTDIR as usual): the tool, its man pages, bash
# completion, the systemd unit and the example config. Debian's units live
# in /lib/systemd/system: the package passes SYSTEMDUNITDIR.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/edgexdp
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALLED := $(SBINDIR)/edgexdp $(MANDIR)/man8/edgexdp.8 \
	$(MANDIR)/man5/edgexdp.yaml.5 $(BASHCOMPDIR)/edgexdp \
	$(SYSTEMDUNITDIR)/edgexdp.service \
	$(SYSTEMDUNITDIR)/edgexdp-exporter.service $(DOCDIR)/edgexdp.example.yaml

install: $(BUILD)/edgexdp
	install -D -m 0755 $(BUILD)/edgexdp $(DESTDIR)$(SBINDIR)/edgexdp
	install -D -m 0644 doc/edgexdp.8 $(DESTDIR)$(MANDIR)/man8/edgexdp.8
	install -D -m 0644 doc/edgexdp.yaml.5 $(DESTDIR)$(MANDIR)/man5/edgexdp.yaml.5
	install -D -m 0644 dist/edgexdp.bash-completion $(DESTDIR)$(BASHCOMPDIR)/edgexdp
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in edgexdp edgexdp-exporter; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' dist/$$u.service.in \
			> $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.service && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.service || exit 1; \
	done
	install -D -m 0644 examples/edgexdp.example.yaml $(DESTDIR)$(DOCDIR)/edgexdp.example.yaml

# make deb: a Debian package of the tool (debhelper), built from a copy of
# the tree in DEB_DIR/src, so the tree stays clean; the .deb lands in
# DEB_DIR.
DEB_DIR ?= $(BUILD)/deb
deb:
	rm -rf $(DEB_DIR)/src
	mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude=./.git --exclude=./$(BUILD) . | tar -C $(DEB_DIR)/src -xf -
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

LINT_SRCS := $(USER_SRCS) $(TOOL_SRCS)
# Every C file of the project, generated ones (vmlinux.h, skeletons) aside.
FORMAT_SRCS := $(filter-out vmlinux/%,$(shell git ls-files '*.c' '*.h' 2>/dev/null))

lint: $(SKELS)
	clang-format --dry-run --Werror $(FORMAT_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--library=tools/cppcheck.cfg \
		--inline-suppr --suppress=missingIncludeSystem -Iinclude -Iuser/lib \
		-Iuser/cli -Itests/lib $(LINT_SRCS)
	clang-tidy --quiet $(LINT_SRCS) -- $(ALL_CFLAGS) -Iuser/cli -Itests/lib \
		-Wno-unknown-warning-option

format:
	clang-format -i $(FORMAT_SRCS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
