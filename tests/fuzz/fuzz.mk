# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz targets (libFuzzer, clang, ASan + UBSan): tests/fuzz/fuzz_NAME.c.
# `make fuzz-NAME` runs one for FUZZ_TIME seconds over a working copy of
# its seed corpus (tests/fuzz/corpus/NAME) after replaying its regression
# inputs (tests/fuzz/regress/NAME); `make check-fuzz` runs every target
# briefly, `make fuzz` longer. New crashes land in build-fuzz/crash/NAME.

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_B = build-fuzz
FUZZ_TIME ?= 10
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: check-fuzz fuzz $(FUZZ_NAMES:%=fuzz-%)

# The library, instrumented, by the main Makefile's rules with B=$(FUZZ_B).
ifneq ($(B),$(FUZZ_B))
$(FUZZ_B)/libivg.a: $(LIB_SRC) $(wildcard lvm/*.h)
	$(MAKE) B=$(FUZZ_B) CC=clang CFLAGS="-O1 -g" \
		SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $(FUZZ_B)/libivg.a
endif

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_B)/libivg.a
	clang -std=gnu11 -Wall -Wextra $(WERROR) -Wno-unused-parameter -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -Ilvm -Iopp -Iboot -Ibosinstall \
		$(PKG_CFLAGS) -o $@ $< $(FUZZ_B)/libivg.a $(LDLIBS)

# A static pattern rule: make looks for no implicit rule for a .PHONY target.
$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(FUZZ_B)/fuzz_%
	@./tests/fuzz/run.sh $* $(FUZZ_TIME) $(abspath $<)

check-fuzz: $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz_%)
	@for n in $(FUZZ_NAMES); do ./tests/fuzz/run.sh $$n $(FUZZ_TIME) $(abspath $(FUZZ_B))/fuzz_$$n || exit 1; done
	@echo "check-fuzz: every target for $(FUZZ_TIME) s; fuzzing for longer is opt-in: make fuzz (600 s each)"

fuzz:
	$(MAKE) check-fuzz FUZZ_TIME=600
