# The Python guest: CPython 3.13 (Debian's python3.13 source package, SHA-256 pinned) cross-built with musl-gcc as a
# static library for the platform, its standard library embedded as marshalled code (python/tools/embed_stdlib.py),
# and its runtime (python/*.c) on the platform: target/python-guest.elf, part of `all`. Included by src-guest/Makefile;
# paths are relative to src-guest.
CPYTHON_VERSION := 3.13.5
CPY_SRC := $(BUILD)/cpython
CPY_BUILD := $(BUILD)/cpython-build
CPY_LIB := $(CPY_BUILD)/libpython3.13.a
# the static modules' own libraries, which libpython3.13.a does not contain
CPY_MODULE_LIBS := $(CPY_BUILD)/Modules/_decimal/libmpdec/libmpdec.a $(CPY_BUILD)/Modules/expat/libexpat.a \
  $(CPY_BUILD)/Modules/_hacl/libHacl_Hash_SHA2.a
PYTHON_ELF := $(BUILD)/python-guest.elf
# The build machine's Python, of the guest's minor version: CPython's cross build needs one (--with-build-python), and
# it compiles the embedded standard library. pyenv has 3.13.0 on these machines; Debian 13 has it as python3.13.
BUILD_PYTHON ?= $(or $(wildcard $(shell pyenv prefix 3.13.0 2>/dev/null)/bin/python3.13),$(shell command -v python3.13 2>/dev/null),python3.13)
# -DCODEACT_GUEST: python/patches' code for the guest. -Dthread_local=: CPython's thread-locals (_Py_tss_tstate, _decimal's context) become plain globals (pyport.h uses
# thread_local when it is a macro). The guest has one thread, and its TLS is not usable: guest.ld gathers no .tbss, so
# every __thread variable gets the same offset, -8 from FS.base, which is the last word of the mailbox page.
CPY_CFLAGS := -O2 -g0 -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
  -ffunction-sections -fdata-sections $(ARCH_FLAGS) -Dthread_local= -DCODEACT_GUEST
# What configure is told (python/config.site says which modules are left out and why):
#   --without-pymalloc    every object comes from the platform's heap (malloc), which the host restores per execution
#   --without-mimalloc    mimalloc maps its own memory (mmap), which the guest does not have
#   --disable-test-modules, --disable-shared, --without-ensurepip: nothing to install, nothing loaded at run time
CPY_CONFIGURE_FLAGS := --host=x86_64-pc-linux-musl --build=x86_64-pc-linux-gnu --with-build-python=$(BUILD_PYTHON) \
  --disable-shared --without-ensurepip --without-pymalloc --without-mimalloc --disable-test-modules --disable-ipv6 \
  --with-builtin-hashlib-hashes=md5,sha1,sha2,sha3,blake2

all: python-guest
python-guest: $(PYTHON_ELF)

# configure's inputs that live in this file, rewritten only when they change (so editing python.mk elsewhere does
# not rebuild CPython)
$(BUILD)/cpython-flags.txt: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CPY_CFLAGS) $(CPY_CONFIGURE_FLAGS)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
CLEAN_FILES += $(PYTHON_ELF) $(CPY_BUILD) $(BUILD)/stdlib.bin $(BUILD)/stdlib.txt $(BUILD)/cpython-flags.txt $(BUILD)/python-native

check-python-tools: check-tools
	@"$(BUILD_PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || { echo "error: a CPython 3.13 for the build machine is needed (BUILD_PYTHON=$(BUILD_PYTHON)): pyenv install 3.13.0, or apt-get install python3.13 (Debian 13)" >&2; exit 1; }

# CPython's patches (python/patches, applied in order by fetch-cpython.sh; each says why): a change unpacks afresh
$(CPY_SRC)/.sha256-ok: python/scripts/fetch-cpython.sh $(wildcard python/patches/*.patch) | check-tools
	rm -f $@
	python/scripts/fetch-cpython.sh $(CPY_SRC) python/patches

# configure runs by a relative path (the two directories are siblings in $(BUILD)), so the paths CPython compiles into
# the image (__FILE__, VPATH) do not depend on where the checkout is.
$(CPY_BUILD)/Makefile: $(CPY_SRC)/.sha256-ok python/config.site python/scripts/musl-cc $(BUILD)/cpython-flags.txt | check-python-tools
	rm -rf $(CPY_BUILD) && mkdir -p $(CPY_BUILD)
	cd $(CPY_BUILD) && CONFIG_SITE=$(abspath python/config.site) MODULE_BUILDTYPE=static PKG_CONFIG=false \
	  CC=$(abspath python/scripts/musl-cc) CFLAGS="$(CPY_CFLAGS)" LDFLAGS="-static -no-pie" \
	  ../$(notdir $(CPY_SRC))/configure $(CPY_CONFIGURE_FLAGS) > configure.log 2>&1 || { tail -20 configure.log >&2; exit 1; }

# SOURCE_DATE_EPOCH: the build date CPython puts in sys.version (__DATE__, __TIME__ in getbuildinfo.c) is a fixed one,
# 3.13.5's release (2025-06-11), so the same sources give the same image
CPY_SOURCE_DATE_EPOCH := 1749600000
$(CPY_LIB) $(CPY_MODULE_LIBS) &: $(CPY_BUILD)/Makefile
	SOURCE_DATE_EPOCH=$(CPY_SOURCE_DATE_EPOCH) $(MAKE) -C $(CPY_BUILD) libpython3.13.a $(patsubst $(CPY_BUILD)/%,%,$(CPY_MODULE_LIBS))

# The standard library the guest embeds: these modules and everything they import (see embed_stdlib.py).
PYTHON_STDLIB_ROOTS := json re math cmath statistics random decimal fractions itertools functools operator collections \
  heapq bisect array struct copy dataclasses enum typing abc string textwrap difflib unicodedata datetime zoneinfo \
  time calendar io csv base64 binascii hashlib hmac uuid urllib.parse html pprint traceback ast linecache tokenize \
  importlib.util secrets graphlib html.parser queue shlex fnmatch xml.etree.ElementTree
$(BUILD)/stdlib.bin: python/tools/embed_stdlib.py $(wildcard python/lib/*.py) $(CPY_SRC)/.sha256-ok python/python.mk | check-python-tools
	$(BUILD_PYTHON) -I python/tools/embed_stdlib.py $(CPY_SRC)/Lib python/lib $@ $(BUILD)/stdlib.txt $(PYTHON_STDLIB_ROOTS)

PYTHON_RUNTIME_OBJS := $(patsubst python/%.c,$(OBJ_DIR)/python/%.o,$(wildcard python/*.c)) $(OBJ_DIR)/python/embed.o

$(OBJ_DIR)/python/%.o: python/%.c python/python.h $(PLATFORM_HEADERS) $(CPY_BUILD)/Makefile | check-tools
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_FLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Iplatform \
	  $(filter -D%,$(CPY_CFLAGS)) -isystem $(CPY_SRC)/Include -isystem $(CPY_BUILD) -c $< -o $@

$(OBJ_DIR)/python/embed.o: python/embed.S $(BUILD)/stdlib.bin python/boot.py | check-tools
	@mkdir -p $(dir $@)
	$(CC) $(ARCH_FLAGS) -DSTDLIB_BLOB_PATH='"$(BUILD)/stdlib.bin"' -DBOOT_SOURCE_PATH='"python/boot.py"' -c $< -o $@

# CPython's MemoryErrors that no allocation raised are memory.c's OUT_OF_MEMORY too (see memory.c)
PYTHON_LINK_WRAPS := -Wl,--wrap=PyErr_NoMemory -Wl,--wrap=_PyErr_NoMemory

$(PYTHON_ELF): $(PLATFORM_OBJS) $(PYTHON_RUNTIME_OBJS) $(CPY_LIB) $(CPY_MODULE_LIBS) platform/guest.ld
	$(call link_guest,$(PYTHON_LINK_WRAPS) $(PYTHON_RUNTIME_OBJS) $(CPY_LIB) $(CPY_MODULE_LIBS) -lm)

.PHONY: python-guest check-python-tools

# Debugging aid: the same objects as an ordinary Linux program (python/tools/native-harness.c), for gdb.
PYTHON_NATIVE := $(BUILD)/python-native
python-native: $(PYTHON_NATIVE)
$(PYTHON_NATIVE): python/tools/native-harness.c $(PLATFORM_OBJS) $(PYTHON_RUNTIME_OBJS) $(CPY_LIB) $(CPY_MODULE_LIBS)
	$(CC) $(OWN_CFLAGS) -fno-inline -c platform/hostcall.c -o $(OBJ_DIR)/hostcall-noinline.o
	objcopy --weaken-symbol=hl_out $(OBJ_DIR)/hostcall-noinline.o $(OBJ_DIR)/hostcall-weak.o
	$(CC) $(GUEST_FLAGS) -g -Iplatform -isystem $(CPY_SRC)/Include -isystem $(CPY_BUILD) -c $< -o $(OBJ_DIR)/native-harness.o
	$(CC) -static -g $(PYTHON_LINK_WRAPS) -o $@ $(OBJ_DIR)/native-harness.o $(filter-out %/start.o %/exceptions.o %/hostcall.o,$(PLATFORM_OBJS)) \
	  $(OBJ_DIR)/hostcall-weak.o $(PYTHON_RUNTIME_OBJS) $(CPY_LIB) $(CPY_MODULE_LIBS) -lm
.PHONY: python-native
