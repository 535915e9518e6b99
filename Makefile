# SPDX-License-Identifier: GPL-2.0-or-later
# ivg - install volume groups for LVM2.

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
VERSION := $(shell cat VERSION)

CC ?= gcc
B ?= build
PKGS = ext2fs com_err fdisk blkid json-c libarchive devmapper uuid zlib libcrypto liburing
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Messages are truncated on purpose; gcc's truncation check only nags.
NO_TRUNC := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
WARN = -Wall -Wextra -Werror -Wno-unused-parameter $(NO_TRUNC)
CFLAGS ?= -O2 -g
SAN ?=
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SAN) -Ilvm $(PKG_CFLAGS) \
	-Iopp -Iboot -Ibosinstall -Irecovery -Ilvm/tools -DIVG_VERSION='"$(VERSION)"' -D_FILE_OFFSET_BITS=64
LDLIBS = $(PKG_LIBS) -laio -pthread
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SAN)

COMMANDS = ivgcreate ivgimport ivgexport ivgs ivgchange ivgextend ivgreduce ivgreplace
# The OPP repository (opp/): library in libivg, commands in the binary.
COMMANDS += oppadd opplist oppck opprm opptoc
# The maintenance boot image and boot records (boot/).
COMMANDS += ivgmkboot ivgbootlist ivgck
# BOS install (bosinstall/).
COMMANDS += bosadd boslist bosrm bosinstall
# Recovery of a root VG (recovery/).
COMMANDS += ivgrecover
# boot/'s helper scripts, run by ivgmkboot from ../lib/ivg/ of its binary.
BOOT_LIB = mkinitramfs.sh init.sh

LIB_SRC := $(wildcard lvm/*.c) $(wildcard opp/*.c) $(wildcard boot/*.c) \
	$(wildcard bosinstall/*.c) $(wildcard recovery/*.c)
TOOL_SRC := $(wildcard lvm/tools/*.c) $(wildcard opp/tools/*.c) $(wildcard boot/tools/*.c) \
	$(wildcard bosinstall/tools/*.c) $(wildcard recovery/tools/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# The virtual I/O server (vio/): its own binary, vios, over libivg; it
# shares the commands' option handling (lvm/tools/common.c).
VIO_SRC := $(wildcard vio/*.c)
VIO_OBJ := $(VIO_SRC:%.c=$(B)/%.o)
VIOS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard vio/tools/*.c))

.PHONY: all deps check check-unit check-integration check-asan check-slow \
	demo install clean bench

all: $(B)/bin/ivg $(addprefix $(B)/bin/,$(COMMANDS)) $(addprefix $(B)/lib/ivg/,$(BOOT_LIB)) $(B)/bin/vios

$(B)/%.o: %.c $(wildcard lvm/*.h lvm/tools/*.h opp/*.h opp/tools/*.h boot/*.h bosinstall/*.h bosinstall/tools/*.h recovery/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

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

$(B)/vio/%.o: vio/%.c $(wildcard vio/*.h vio/tools/*.h lvm/*.h lvm/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ivio -c -o $@ $<

$(B)/bin/vios: $(VIOS_OBJ) $(VIO_OBJ) $(B)/lvm/tools/common.o $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(B)/libivg.a $(LDLIBS)

$(B)/tests/test_vio%: tests/unit/test_vio%.c $(VIO_OBJ) $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ivio $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(VIO_OBJ) \
		$(B)/libivg.a $(LDLIBS) -lcmocka

$(B)/tests/%: tests/unit/%.c $(B)/libivg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(B)/libivg.a \
		$(LDLIBS) -lcmocka

# Installs the build and test dependencies when run as root on Debian.
deps:
	@./tests/deps.sh

check: deps
	$(MAKE) all $(UNIT_BIN)
	$(MAKE) check-unit
	$(MAKE) check-integration
	$(MAKE) check-asan
	$(MAKE) check-fuzz
	$(MAKE) check-deb
	$(MAKE) check-rpm

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

check-slow: check
	@IVG_BIN=$(abspath $(B)/bin) IVG_SLOW=1 ./tests/run-integration.sh

demo: deps all
	@./tests/demo.sh $(abspath $(B)/bin)

bench: deps all
	@./bench/run.sh $(abspath $(B)/bin)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/bin/ivg $(DESTDIR)$(SBINDIR)/ivg
	install -m 755 $(B)/bin/vios $(DESTDIR)$(SBINDIR)/vios
	for c in $(COMMANDS); do ln -sf ivg $(DESTDIR)$(SBINDIR)/$$c; done
	install -d $(DESTDIR)$(PREFIX)/lib/ivg
	for f in $(BOOT_LIB); do install -m 755 boot/$$f $(DESTDIR)$(PREFIX)/lib/ivg/$$f; done
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
	@B=$(B) ./tests/packaging/deb_install.sh; rc=$$?; \
		if [ $$rc = 77 ]; then echo "SKIP check-deb: needs root"; else exit $$rc; fi

include tests/fuzz/fuzz.mk
