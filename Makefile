# SPDX-License-Identifier: GPL-2.0-or-later
# ivg - install volume groups for LVM2.

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
# ivg's version has one source, the VERSION file: every compiler run gets
# it as -DIVG_VERSION (lvm/version.h refuses a build without it), and
# every object is rebuilt when it changes.
VERSION := $(shell cat VERSION 2>/dev/null)
ifeq ($(VERSION),)
$(error VERSION: the file is missing or empty; it holds ivg's version)
endif

CC ?= gcc
B ?= build
# The libraries, by pkg-config name. Their flags are looked up once, the
# first time a recipe needs them (not when make reads this file), so that
# `make demo` and `make check` can install them first (`make deps`, then a
# recursive make); a module pkg-config does not know stops the build.
PKGS = ext2fs com_err fdisk blkid mount json-c libarchive devmapper uuid zlib libcrypto liburing
pkg_check = $(if $(shell command -v pkg-config),,$(error pkg-config not found: run "make deps" as root, or install pkg-config))$(foreach m,$(PKGS),$(if $(shell pkg-config --exists $(m) && echo y),,$(error pkg-config module "$(m)" not found: run "make deps" as root, or install its -dev package)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(pkg_check)$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(pkg_check)$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
# gcc's -Wformat-truncation (part of -Wall) is on everywhere: paths go
# through ivg_pathf (lvm/pathf.h), which refuses what does not fit.
# -Werror under `make check` and CI (which set WERROR=-Werror), not in a
# user's plain `make`: a newer compiler's new warning must not break it.
WERROR ?=
WARN = -Wall -Wextra $(WERROR) -Wno-unused-parameter
CFLAGS ?= -O2 -g
SAN ?=
# The layering: each directory compiles with the include paths of what it
# may use, so that a header from above (lvm/ including opp/'s, say) does
# not compile; tests/layering.sh checks the rest (make check-layering).
INC_lvm := -Ilvm
INC_opp := -Ilvm -Iopp
INC_boot := -Ilvm -Iboot
INC_bosinstall := -Ilvm -Iopp -Iboot -Ibosinstall
INC_recovery := -Ilvm -Iboot -Irecovery
INC_vio := -Ilvm -Ivio
INC_TOOLS := -Ilvm -Iopp -Iboot -Ibosinstall -Irecovery -Ilvm/tools
INC_lvm/tools := $(INC_TOOLS)
INC_opp/tools := $(INC_TOOLS)
INC_boot/tools := $(INC_TOOLS)
INC_bosinstall/tools := $(INC_TOOLS)
INC_recovery/tools := $(INC_TOOLS)
INC_vio/tools := -Ilvm -Ilvm/tools -Ivio -Ivio/tools
# Tests see everything.
INC_ALL := $(INC_TOOLS) -Ivio
# The user's CPPFLAGS, CFLAGS and LDFLAGS come after the project's own.
BASE_CFLAGS = -std=gnu11 $(WARN) $(PKG_CFLAGS) -DIVG_VERSION='"$(VERSION)"' \
	-D_FILE_OFFSET_BITS=64 $(CPPFLAGS) $(CFLAGS) $(SAN)
ALL_CFLAGS = $(INC_ALL) $(BASE_CFLAGS)
# A source file's include paths: those of its directory.
src_inc = $(INC_$(patsubst %/,%,$(dir $(1))))
LDLIBS = $(PKG_LIBS) -laio -pthread
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SAN)

COMMANDS = ivgcreate ivgimport ivgexport ivgs ivgchange ivgextend ivgreduce ivgreplace
# The OPP repository (opp/): library in libivg, commands in the binary.
COMMANDS += oppadd opplist oppck opprm opptoc oppinstall
# The maintenance boot image and boot records (boot/).
COMMANDS += ivgmkboot ivgbootlist ivgck
# BOS install (bosinstall/).
COMMANDS += bosadd boslist bosrm bosinstall ivgmachine
# Recovery of a root VG (recovery/).
COMMANDS += ivgrecover
# boot/'s helper scripts, run by ivgmkboot from ../lib/ivg/ of its binary.
BOOT_LIB = mkinitramfs.sh init.sh san.sh

LIB_SRC := $(wildcard lvm/*.c) $(wildcard opp/*.c) $(wildcard boot/*.c) \
	$(wildcard bosinstall/*.c) $(wildcard recovery/*.c)
TOOL_SRC := $(wildcard lvm/tools/*.c) $(wildcard opp/tools/*.c) $(wildcard boot/tools/*.c) \
	$(wildcard bosinstall/tools/*.c) $(wildcard recovery/tools/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# The virtual I/O server (vio/): its own binary, vios, over libivg and
# libvirt (libiscsi for iSCSI LUNs, libxml2 for domain XML); it shares the
# commands' runner (lvm/tools/cmd.c, common.c).
VIO_PKGS = libvirt libiscsi libxml-2.0
VIO_CFLAGS := $(shell pkg-config --cflags $(VIO_PKGS) 2>/dev/null)
VIO_LIBS := $(shell pkg-config --libs $(VIO_PKGS) 2>/dev/null)
VIOS_TOOL_OBJ := $(addprefix $(B)/lvm/tools/,common.o cmd.o session.o)
VIO_SRC := $(wildcard vio/*.c)
VIO_OBJ := $(VIO_SRC:%.c=$(B)/%.o)
VIOS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard vio/tools/*.c))

.PHONY: all deps check check-layering check-unit check-integration check-asan check-bench \
	check-slow demo install clean bench

all: $(B)/bin/ivg $(addprefix $(B)/bin/,$(COMMANDS)) $(addprefix $(B)/lib/ivg/,$(BOOT_LIB)) $(B)/bin/vios

$(B)/%.o: %.c VERSION $(wildcard lvm/*.h lvm/tools/*.h opp/*.h opp/tools/*.h boot/*.h bosinstall/*.h bosinstall/tools/*.h recovery/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(call src_inc,$<) $(BASE_CFLAGS) -c -o $@ $<

$(B)/libivg.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/bin/ivg: $(TOOL_OBJ) $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TOOL_OBJ) $(B)/libivg.a $(LDLIBS)

$(addprefix $(B)/bin/,$(COMMANDS)): $(B)/bin/ivg
	ln -sf ivg $@

$(B)/lib/ivg/%: boot/%
	@mkdir -p $(dir $@)
	install -m 755 $< $@

$(B)/vio/%.o: vio/%.c VERSION $(wildcard vio/*.h vio/tools/*.h lvm/*.h lvm/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(call src_inc,$<) $(BASE_CFLAGS) $(VIO_CFLAGS) -c -o $@ $<

$(B)/bin/vios: $(VIOS_OBJ) $(VIO_OBJ) $(VIOS_TOOL_OBJ) $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(B)/libivg.a $(LDLIBS) $(VIO_LIBS)

$(B)/tests/test_vio%: tests/unit/test_vio%.c $(VIO_OBJ) $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(VIO_CFLAGS) -Ivio $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(VIO_OBJ) \
		$(B)/libivg.a $(LDLIBS) $(VIO_LIBS) -lcmocka

$(B)/tests/%: tests/unit/%.c $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(B)/libivg.a \
		$(LDLIBS) -lcmocka

# Installs (as root, on Debian) every package the build, the demo, the
# tests and the benchmarks need: the one place that installs anything.
deps:
	@./tests/deps.sh

# `make check` and CI build with -Werror; a plain `make` does not.
check check-slow: export WERROR = -Werror

# Every suite; nothing is skipped: a test that cannot run fails, naming
# what is missing. Only the opt-in suites (IVG_SLOW: check-slow; fuzzing
# for long: make fuzz) are left out, and the runners say so.
check: deps
	$(MAKE) all $(UNIT_BIN)
	$(MAKE) check-layering
	$(MAKE) check-unit
	$(MAKE) check-integration
	$(MAKE) check-asan
	$(MAKE) check-fuzz
	$(MAKE) check-deb
	$(MAKE) check-rpm
	$(MAKE) check-bench
	@echo "make check: every suite passed. Left out by choice (opt-in): the IVG_SLOW parts listed" \
		"above (make check-slow, which also runs tests/fresh_root.sh) and long fuzzing (make fuzz)."

# Library directories include only what is below them; library objects
# neither print nor exit (tests/layering.sh).
check-layering: all
	@./tests/layering.sh $(B)

check-unit: $(UNIT_BIN)
	@./tests/run-unit.sh $(UNIT_BIN)

check-integration: all
	@IVG_BIN=$(abspath $(B)/bin) ./tests/run-integration.sh

# The same unit tests and the fast integration tests under ASan and UBSan.
check-asan:
	$(MAKE) B=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		CFLAGS="-O1 -g" all $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1 ./tests/run-unit.sh $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1 IVG_BIN=$(abspath build-asan/bin) IVG_FAST=1 ./tests/run-integration.sh

# Every benchmark once, small and quick, no goal enforced: that they run.
check-bench: all
	@BENCH_QUICK=1 ./bench/run.sh $(abspath $(B)/bin)

# check, then the IVG_SLOW suite, then the README's two commands in a
# fresh Debian root (tests/fresh_root.sh).
check-slow: check
	@IVG_BIN=$(abspath $(B)/bin) IVG_SLOW=1 ./tests/run-integration.sh
	@./tests/fresh_root.sh

demo: deps
	$(MAKE) all
	@./tests/demo.sh $(abspath $(B)/bin)

bench: deps
	$(MAKE) all
	@./bench/run.sh $(abspath $(B)/bin)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/bin/ivg $(DESTDIR)$(SBINDIR)/ivg
	install -m 755 $(B)/bin/vios $(DESTDIR)$(SBINDIR)/vios
	for c in $(COMMANDS); do ln -sf ivg $(DESTDIR)$(SBINDIR)/$$c; done
	install -d $(DESTDIR)$(PREFIX)/lib/ivg
	# Scripts run (a #! line) are executable; those sourced (san.sh) are not.
	for f in $(BOOT_LIB); do m=644; head -c2 boot/$$f | grep -q '^#!' && m=755; \
		install -m $$m boot/$$f $(DESTDIR)$(PREFIX)/lib/ivg/$$f; done
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf build build-asan build-fuzz demo

# Binary RPM in $(B)/packages/, built with rpmbuild in $(B)/rpm from a
# tarball of the tree (packaging/rpm/); check-rpm compares its files with
# the .deb's.
.PHONY: rpm check-rpm
rpm:
	@B=$(B) ./packaging/rpm/build-rpm.sh

check-rpm: rpm
	@B=$(B) ./tests/packaging/rpm_files.sh

# Debian package in $(B)/packages/, built with dpkg-buildpackage in
# $(B)/deb-src from a copy of the tree (packaging/debian/); check-deb
# installs it into a clean Debian chroot and uses it (root; cached in
# /var/cache/ivg-test).
.PHONY: deb check-deb
deb:
	@B=$(B) ./tests/packaging/deb_build.sh

check-deb: deb
	@B=$(B) ./tests/packaging/deb_install.sh

include tests/fuzz/fuzz.mk
