# The JavaScript guest: QuickJS (Debian's source package, SHA-256 pinned, with quickjs/patches) and its runtime
# (quickjs/*.c) on the platform, booting the program-facing JavaScript (quickjs/js, built into runtime.js) from
# bytecode. Included by src-guest/Makefile; paths are relative to src-guest.
QUICKJS_VERSION := 2025-04-26
QJS_DIR := $(BUILD)/quickjs
QUICKJS_ELF := $(BUILD)/quickjs-guest.elf
QJS_CFLAGS := $(GUEST_FLAGS) -w -DCONFIG_VERSION=\"$(QUICKJS_VERSION)\"

QJS_SOURCES := quickjs.c libregexp.c libunicode.c cutils.c dtoa.c
QJS_OBJS := $(addprefix $(OBJ_DIR)/qjs-,$(QJS_SOURCES:.c=.o))
QUICKJS_RUNTIME_OBJS := $(patsubst quickjs/%.c,$(OBJ_DIR)/quickjs/%.o,$(wildcard quickjs/*.c)) $(OBJ_DIR)/quickjs/bytecode.o

all: $(QUICKJS_ELF)
CLEAN_FILES += $(QUICKJS_ELF) $(BUILD)/js $(BUILD)/host $(RUNTIME_BYTECODE) $(INTL_BYTECODE)

check-tools::
	@command -v xz >/dev/null || { echo "error: xz not found; install it with: apt-get install -y xz-utils" >&2; exit 1; }
	@command -v patch >/dev/null || { echo "error: patch not found; install it with: apt-get install -y patch" >&2; exit 1; }
	@command -v node >/dev/null || { echo "error: node not found (the guest's Intl is bundled with it); install it with: apt-get install -y nodejs npm" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "error: npm not found (the guest's Intl is installed with it); install it with: apt-get install -y npm" >&2; exit 1; }

QJS_PATCHES := $(sort $(wildcard quickjs/patches/*.patch))
QJS_RECIPE := $(BUILD)/quickjs-recipe.sha256

# A digest of the script and the patches, rewritten only when it changes: adding, editing, renaming or
# removing a patch unpacks the sources afresh, so a patch is never applied twice or left applied.
$(QJS_RECIPE): FORCE
	@mkdir -p $(BUILD)
	@{ cat quickjs/scripts/fetch-quickjs.sh; for p in $(QJS_PATCHES); do echo "$$p"; cat "$$p"; done; } | sha256sum > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(QJS_DIR)/.sha256-ok: $(QJS_RECIPE) | check-tools
	rm -f $@
	quickjs/scripts/fetch-quickjs.sh $(QJS_DIR) quickjs/patches

$(OBJ_DIR)/qjs-%.o: $(QJS_DIR)/.sha256-ok | check-tools
	@mkdir -p $(OBJ_DIR)
	$(CC) $(QJS_CFLAGS) -c $(QJS_DIR)/$*.c -o $@

$(OBJ_DIR)/quickjs/%.o: quickjs/%.c quickjs/runtime.h $(PLATFORM_HEADERS) $(QJS_DIR)/.sha256-ok | check-tools
	@mkdir -p $(dir $@)
	$(CC) $(OWN_CFLAGS) -isystem $(QJS_DIR) -c $< -o $@

# The program-facing JavaScript, one script for every engine (the guest embeds it; hyperlight-jna ships it for the
# GraalJS backend): the parts in quickjs/js/, in the order of their names, inside one function that gets the engine's
# native functions and returns the outcome encoder (js/90-protocol.js ends with that return). Each part keeps its
# own names to itself or shares them on purpose with the parts after it.
RUNTIME_JS := $(BUILD)/runtime.js
# Parts generated at build time go in $(BUILD)/js and take their place among quickjs/js/*.js by name. The Intl bundle
# is not one of them: the guest evaluates it on its own, before runtime.js (see below), and GraalJS has its own Intl.
VENDOR_JS := $(BUILD)/js/15-vendor.js
GENERATED_JS_PARTS := $(BUILD)/js/10-intl.js $(VENDOR_JS)
parts_in_order = $(foreach name,$(sort $(notdir $(1))),$(filter %/$(name),$(1)))
RUNTIME_JS_PARTS = $(call parts_in_order,$(wildcard quickjs/js/*.js) $(GENERATED_JS_PARTS))

# Third-party code (quickjs/web/package.json), fetched by `npm ci` against the committed lockfile (versions and
# checksums) and bundled by quickjs/web/bundle.mjs into a generated part.
$(VENDOR_JS): quickjs/web/package.json quickjs/web/package-lock.json quickjs/web/bundle.mjs
	@command -v npm >/dev/null || { echo "error: npm not found; install it with: apt-get install -y nodejs npm" >&2; exit 1; }
	@mkdir -p $(BUILD)/web $(dir $@)
	cp quickjs/web/package.json quickjs/web/package-lock.json quickjs/web/bundle.mjs $(BUILD)/web/
	cd $(BUILD)/web && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
	cd $(BUILD)/web && node bundle.mjs $(abspath $@).tmp
	@mv $@.tmp $@

define assemble_runtime
	@mkdir -p $(BUILD)
	@{ echo "// Generated from src-guest/quickjs/js by the Makefile; do not edit."; \
	  echo "(function install(native) {"; echo "'use strict';"; \
	  for part in $(1); do echo "// ---- $$part"; cat "$$part"; done; \
	  echo "})"; } > $@.tmp
	@mv $@.tmp $@
endef

# Intl, which QuickJS lacks: FormatJS's polyfills and CLDR data, pinned with their integrity hashes in
# quickjs/intl/package-lock.json, installed with npm ci (no install scripts) and bundled by quickjs/intl/build.mjs.
INTL_DIR := $(BUILD)/intl
$(INTL_DIR)/.npm-ci-ok: quickjs/intl/package.json quickjs/intl/package-lock.json | check-tools
	@mkdir -p $(INTL_DIR)
	cp quickjs/intl/package.json quickjs/intl/package-lock.json $(INTL_DIR)/
	cd $(INTL_DIR) && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

INTL_BUNDLE := $(BUILD)/intl-bundle.js
$(BUILD)/js/10-intl.js $(INTL_BUNDLE) &: quickjs/intl/build.mjs quickjs/intl/entry.js quickjs/intl/tz.js $(INTL_DIR)/.npm-ci-ok
	node quickjs/intl/build.mjs $(INTL_DIR)/node_modules $(BUILD)/js/10-intl.js $(INTL_BUNDLE)

$(RUNTIME_JS): $(RUNTIME_JS_PARTS) quickjs/quickjs.mk
	$(call assemble_runtime,$(RUNTIME_JS_PARTS))
all: $(RUNTIME_JS)

# The guest boots from bytecode compiled here, by the guest's QuickJS built for this machine (see
# quickjs/tools/compile-runtime.c): the Intl bundle, then its runtime.js (runtime.c says why in that order); GraalJS
# runs runtime.js's source.
HOST_CC ?= cc
RUNTIME_BYTECODE := $(BUILD)/runtime.qjsbc
INTL_BYTECODE := $(BUILD)/intl.qjsbc
COMPILE_RUNTIME := $(BUILD)/host/compile-runtime
$(COMPILE_RUNTIME): quickjs/tools/compile-runtime.c $(QJS_DIR)/.sha256-ok | check-tools
	@mkdir -p $(BUILD)/host
	$(HOST_CC) -O2 -w -D_GNU_SOURCE -DCONFIG_VERSION=\"$(QUICKJS_VERSION)\" -I$(QJS_DIR) -o $@ $< $(addprefix $(QJS_DIR)/,$(QJS_SOURCES)) -lm -lpthread

$(RUNTIME_BYTECODE): $(RUNTIME_JS) $(COMPILE_RUNTIME)
	$(COMPILE_RUNTIME) $(RUNTIME_JS) $@

$(INTL_BYTECODE): $(INTL_BUNDLE) $(COMPILE_RUNTIME)
	$(COMPILE_RUNTIME) $(INTL_BUNDLE) $@

$(OBJ_DIR)/quickjs/bytecode.o: quickjs/bytecode.S $(RUNTIME_BYTECODE) $(INTL_BYTECODE) | check-tools
	@mkdir -p $(dir $@)
	$(CC) $(ARCH_FLAGS) -DRUNTIME_BYTECODE_PATH='"$(RUNTIME_BYTECODE)"' -DINTL_BYTECODE_PATH='"$(INTL_BYTECODE)"' -c $< -o $@

$(QUICKJS_ELF): $(PLATFORM_OBJS) $(QUICKJS_RUNTIME_OBJS) $(QJS_OBJS) platform/guest.ld
	$(call link_guest,$(QUICKJS_RUNTIME_OBJS) $(QJS_OBJS))
