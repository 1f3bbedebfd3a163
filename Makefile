# ddb — a DynamoDB table-lifecycle toolkit.  `make demo` and `make test` do all the set-up.
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
BUILD   ?= build/release
SAN     ?=
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wno-missing-field-initializers
PKGS    := libcurl libcjson openssl expat libedit zlib
DEP_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
DEP_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcurl -lcjson -lcrypto -lexpat -ledit -lz) -lpthread -lm
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
# Quiet build: one 'CC file.c' / 'AR' / 'LD' line per step; `make V=1` prints the full command lines.
ifeq ($(V),1)
Q       :=
say     :=
else
Q       := @
say      = @printf '  %-4s %s\n' $(1) $(2);
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DDDB_VERSION='"$(VERSION)"' -Ilib $(WARN) $(CFLAGS) $(SAN) $(DEP_CFLAGS)

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard test/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)

.PHONY: all deps demo test unit bats asan valgrind valgrind-quick bench fuzz local local-stop install uninstall clean
all: ddb

# The binary at the top is a copy of the release build (tests use $(BUILD)/ddb via DDB=).
ddb: $(BUILD)/ddb
	$(Q)cp $< $@

$(BUILD)/ddb: $(CMD_OBJ) $(BUILD)/libddb.a
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libddb.a $(DEP_LIBS)

# The man page is generated from the command table (cmd/man.c), so it never drifts from the commands.
$(BUILD)/ddb.1: $(BUILD)/ddb
	$(call say,GEN,$@)$(BUILD)/ddb __man > $@.tmp && mv $@.tmp $@

$(BUILD)/libddb.a: $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@; ar rcs $@ $^

$(BUILD)/%.o: %.c $(wildcard lib/*/*.h cmd/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/test/unit/%: test/unit/%.c test/unit/unit.h $(BUILD)/libddb.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -Itest/unit -o $@ $< $(BUILD)/libddb.a $(DEP_LIBS)


# ---- set-up, tests, tools ------------------------------------------------------------------
# deps installs only what is missing (Debian packages, then the pinned npm engines).
deps:
	@.ci/install-deps

demo: deps ddb
	@test/demo

unit: $(UNIT_BIN)
	@test/run --unit-only $(BUILD)

bats: $(BUILD)/ddb
	@DDB=$(abspath $(BUILD)/ddb) test/run --bats-only $(BUILD)

test: deps
	@$(MAKE) --no-print-directory ddb $(UNIT_BIN)
	@DDB=$(abspath $(BUILD)/ddb) test/run $(BUILD)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" build/asan/ddb \
	  $(UNIT_SRC:%.c=build/asan/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  DDB=$(abspath build/asan/ddb) test/run build/asan

valgrind: deps
	@$(MAKE) --no-print-directory BUILD=build/valgrind CFLAGS="-O0 -g" build/valgrind/ddb $(UNIT_SRC:%.c=build/valgrind/%)
	@DDB_VALGRIND=1 DDB=$(abspath build/valgrind/ddb) test/run build/valgrind

# For CI (all of `make valgrind` takes far too long there): every unit test under valgrind, then the bats tests whose
# names match VALGRIND_QUICK (a bats -f regex; '.' for a space): help, config files and environment, paging, scan with
# segments, query, a Terraform schema, seed and typed JSON round trip, REPL lines (~3 minutes on 2 cores).
VALGRIND_QUICK ?= ^(bad.input:.(environment|REPL)|dispatch:.(--help.lists|help.COMMAND|an.unknown.command|a.broken.config)|list-tables:.reads.every.page.*DynamoDB.Local|scan:.(every.page|--segments|--ddb-json.is.lossless)|query:.--desc|schema-load:.the.Terraform.example|seed:.round.trip)
valgrind-quick: deps
	@$(MAKE) --no-print-directory BUILD=build/valgrind CFLAGS="-O0 -g" build/valgrind/ddb $(UNIT_SRC:%.c=build/valgrind/%)
	@DDB_VALGRIND=1 BATS_FLAGS="-f $(VALGRIND_QUICK)" DDB=$(abspath build/valgrind/ddb) test/run build/valgrind

bench: deps ddb
	@bench/run

fuzz: deps
	@test/fuzz/run

local: deps
	@./ddb local start --dir .local 2>/dev/null || { $(MAKE) --no-print-directory ddb && ./ddb local start --dir .local; }

local-stop:
	@./ddb local stop --dir .local

install: ddb $(BUILD)/ddb.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 ddb $(DESTDIR)$(PREFIX)/bin/ddb
	for c in $$(./ddb __commands); do ln -sf ddb $(DESTDIR)$(PREFIX)/bin/ddb-$$c; done
	install -m 644 $(BUILD)/ddb.1 $(DESTDIR)$(PREFIX)/share/man/man1/ddb.1
	install -m 644 completions/ddb.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ddb
	install -m 644 completions/_ddb $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ddb
	install -m 644 completions/ddb.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ddb.fish
	# bash-completion and fish load completions by command name: the ddb-<command> links need their own entries
	for c in $$(./ddb __commands); do \
	  ln -sf ddb $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ddb-$$c; \
	  ln -sf ddb.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ddb-$$c.fish; done

# the ddb-<command> links are the ddb-* symlinks to ddb (no need for a built ddb to list the commands)
uninstall:
	for l in $(DESTDIR)$(PREFIX)/bin/ddb-* $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ddb-*; do \
	  if [ -L "$$l" ] && [ "$$(readlink "$$l")" = ddb ]; then rm -f "$$l"; fi; done
	for l in $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ddb-*.fish; do \
	  if [ -L "$$l" ] && [ "$$(readlink "$$l")" = ddb.fish ]; then rm -f "$$l"; fi; done
	rm -f $(DESTDIR)$(PREFIX)/bin/ddb $(DESTDIR)$(PREFIX)/share/man/man1/ddb.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ddb $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ddb \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ddb.fish

clean:
	rm -rf build ddb
