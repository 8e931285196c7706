/*
 * Debugging aid (issue 15): runs the Python guest's code as an ordinary Linux process, so gdb can follow it. It links
 * the same platform and runtime objects as python-guest.elf, except that the port exits (hl_out, made weak in a copy of
 * hostcall.o) come here: BOOT, then EXECUTE of argv[1] (default "1+1"); the console and the outcome are printed.
 * Built by `make python-native` (target/python-native); not shipped.
 */
#include <Python.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"

void guest_entry(struct hl_mailbox *mailbox);

static struct hl_mailbox mailbox;
static char in_buffer[1 << 20], out_buffer[1 << 20], log_buffer[64 << 10];
static char heap[256 << 20] __attribute__((aligned(4096)));
static jmp_buf done;


extern char etext[], _end[]; /* from the end of the code to the end of .bss (GNU ld's default script): rodata never changes */
static char data_copy[64 << 20], heap_copy[64 << 20];

/* the harness's own buffers, which are not the guest's data */
static int harness_owns(const char *page) {
    const struct { const char *start; size_t size; } own[] = {
        {heap, sizeof heap}, {data_copy, sizeof data_copy}, {heap_copy, sizeof heap_copy}, {in_buffer, sizeof in_buffer},
        {out_buffer, sizeof out_buffer}, {log_buffer, sizeof log_buffer}, {(const char *)&mailbox, sizeof mailbox}};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (page + 4096 > own[i].start && page < own[i].start + own[i].size) return 1;
    return 0;
}
static int quiet;

static long raw_syscall3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
static void say(int fd, const char *text, size_t length) { raw_syscall3(1, fd, (long)text, (long)length); }
static void say_string(const char *text) { say(2, text, strlen(text)); }
static void say_line(const char *text) { say(2, text, strlen(text)); say(2, "\n", 1); }
static _Noreturn void leave(int status) { for (;;) raw_syscall3(231, status, 0, 0); }

static void print_log(void) {
    uint32_t at = 0;
    while (at + HL_LOG_RECORD_HEADER_BYTES <= mailbox.log_length) {
        uint32_t n;
        memcpy(&n, log_buffer + at + 1, 4);
        say(log_buffer[at] == HL_STREAM_STDERR ? 2 : 1, log_buffer + at + HL_LOG_RECORD_HEADER_BYTES, n);
        at += HL_LOG_RECORD_HEADER_BYTES + n;
    }
    mailbox.log_length = 0;
}

void hl_out(uint16_t port, uint32_t value) {
    switch (port) {
    case HL_PORT_LOG_FLUSH: print_log(); return;
    case HL_PORT_SLEEP: return;
    case HL_PORT_HOSTCALL: {
        /* HARNESS_REPLY='{"v":1}': every host call succeeds with that reply (to follow call_tool's success path) */
        const char *reply = getenv("HARNESS_REPLY");
        if (reply && strlen(reply) < sizeof in_buffer) {
            memcpy(in_buffer, reply, strlen(reply));
            mailbox.reply_length = (uint32_t)strlen(reply);
            mailbox.reply_status = HL_REPLY_OK;
            return;
        }
        memcpy(in_buffer, "\"no host functions in the native harness\"", 41);
        mailbox.reply_length = 41;
        mailbox.reply_status = HL_REPLY_ERROR;
        return;
    }
    case HL_PORT_DONE:
        if (quiet) { mailbox.log_length = 0; longjmp(done, 1); }
        print_log();
        say_string("outcome: ");
        say(2, out_buffer, mailbox.outcome_length);
        say_string("\n");
        longjmp(done, 1);
    case HL_PORT_ABORT:
        print_log();
        say_string("ABORT: ");
        say(2, out_buffer, mailbox.outcome_length);
        say_string("\n");
        leave(1);
    case HL_PORT_OUT_OF_MEMORY: say_string("OUT OF MEMORY\n"); leave(1);
    default: say_string("unknown port\n"); leave(1);
    }
}

static void stop_later(int signal_number) { (void)signal_number; mailbox.cancel_requested = 1; }

static void enter(uint32_t command) {
    mailbox.command = command;
    if (!setjmp(done)) guest_entry(&mailbox);
}

int main(int argc, char **argv) {
    const char *program = argc > 1 ? argv[1] : "1+1";
    mailbox.magic = HL_MAILBOX_MAGIC;
    mailbox.abi_version = HL_ABI_VERSION;
    mailbox.in_addr = (uint64_t)in_buffer;
    mailbox.in_capacity = sizeof in_buffer;
    mailbox.out_addr = (uint64_t)out_buffer;
    mailbox.out_capacity = sizeof out_buffer;
    mailbox.log_addr = (uint64_t)log_buffer;
    mailbox.log_capacity = sizeof log_buffer;
    mailbox.heap_addr = (uint64_t)heap;
    mailbox.heap_size_bytes = sizeof heap;
    mailbox.memory_limit_bytes = 64 << 20;
    mailbox.max_request_bytes = 1 << 20;
    mailbox.stack_limit_bytes = 1 << 20;
    mailbox.epoch_ms = 1700000000000;
    enter(HL_COMMAND_BOOT);
    {
        char line[96];
        unsigned long long kib = (unsigned long long)mailbox.heap_high_water_bytes >> 10;
        int n = 0;
        char digits[24];
        int d = 0;
        do { digits[d++] = (char)('0' + kib % 10); kib /= 10; } while (kib);
        memcpy(line, "heap after boot: ", 17); n = 17;
        while (d) line[n++] = digits[--d];
        memcpy(line + n, " KiB\n", 5); n += 5;
        say(2, line, (size_t)n);
    }
    size_t n = strlen(program);
    memcpy(in_buffer, program, n);
    mailbox.code_length = (uint32_t)n;
    /* pages the execution changed, by region (a lower bound of the pages it wrote): what the VM restores after it */
    size_t data_bytes = (size_t)(_end - etext), heap_bytes = (size_t)mailbox.heap_high_water_bytes + (4 << 20);
    if (data_bytes > sizeof data_copy) data_bytes = sizeof data_copy;
    if (heap_bytes > sizeof heap_copy) heap_bytes = sizeof heap_copy;
    memcpy(data_copy, etext, data_bytes);
    memcpy(heap_copy, heap, heap_bytes);
    size_t boot_high_water = (size_t)mailbox.heap_high_water_bytes;
    /* HARNESS_CANCEL=1: the host's stop, set from the start; HARNESS_CANCEL=later: set by an alarm a second in */
    const char *cancel = getenv("HARNESS_CANCEL");
    if (cancel && strcmp(cancel, "later") == 0) { signal(SIGALRM, stop_later); alarm(1); }
    else if (cancel) mailbox.cancel_requested = 1;
    enter(HL_COMMAND_EXECUTE);
    {
        unsigned long long data_pages = 0, heap_pages = 0, heap_new = 0;
        int pages_out = getenv("HARNESS_PAGES") != NULL; /* HARNESS_PAGES=1: list the changed pages */
        char text[128];
        for (size_t at = 0; at < data_bytes; at += 4096) {
            const char *page = etext + at;
            if (harness_owns(page)) continue;
            int changed = memcmp(data_copy + at, page, data_bytes - at < 4096 ? data_bytes - at : 4096) != 0;
            data_pages += changed;
            if (changed && pages_out) { snprintf(text, sizeof text, "data %p", (void *)page); say_line(text); }
        }
        size_t booted = boot_high_water;
        PyObject *changed_pages = pages_out ? PySet_New(NULL) : NULL;
        for (size_t at = 0; at < heap_bytes; at += 4096) {
            int changed = memcmp(heap_copy + at, heap + at, 4096) != 0;
            heap_pages += changed;
            heap_new += changed && at >= booted;
            if (changed && changed_pages) {
                PyObject *number = PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)(heap + at) >> 12);
                PySet_Add(changed_pages, number);
                Py_DECREF(number);
            }
        }
        if (pages_out) {
            /* which of boot's objects lie on the changed heap pages, by type */
            PyObject *main_dict = PyModule_GetDict(PyImport_AddModule("__main__"));
            PyDict_SetItemString(main_dict, "_harness_pages", changed_pages);
            PyRun_SimpleString(
                "import gc, collections\n"
                "_c = collections.Counter(); _p = collections.defaultdict(set)\n"
                "for _o in gc.get_objects():\n"
                "    if id(_o) >> 12 in _harness_pages:\n"
                "        _c[type(_o).__name__] += 1; _p[type(_o).__name__].add(id(_o) >> 12)\n"
                "_harness_report = '\\n'.join('heap %s: %d objects on %d changed pages' % (k, v, len(_p[k])) for k, v in _c.most_common(25))\n");
            PyObject *report = PyDict_GetItemString(main_dict, "_harness_report");
            if (report) say_line(PyUnicode_AsUTF8(report));
        }
        char line[160];
        int k = 0;
        const char *parts[] = {"pages changed by the execution: data+bss ", ", heap ", " (past the boot high-water mark ", ")\n"};
        unsigned long long values[] = {data_pages, heap_pages, heap_new};
        for (int i = 0; i < 4; i++) {
            size_t n = strlen(parts[i]);
            memcpy(line + k, parts[i], n); k += (int)n;
            if (i < 3) {
                char digits[24]; int d = 0; unsigned long long v = values[i];
                do { digits[d++] = (char)('0' + v % 10); v /= 10; } while (v);
                while (d) line[k++] = digits[--d];
            }
        }
        say(2, line, (size_t)k);
    }
    /* argv[2]: run the program that many times more, quietly, and print the TSC cycles per run (no restore between
       runs, unlike the VM) */
    long repeat = 0;
    for (const char *p = argc > 2 ? argv[2] : ""; *p >= '0' && *p <= '9'; p++) repeat = repeat * 10 + (*p - '0');
    if (repeat > 0) {
        quiet = 1;
        uint64_t start = hl_rdtsc();
        for (long i = 0; i < repeat; i++) {
            memcpy(in_buffer, program, n); /* a host call's reply lands in IN, over the program text, as in the VM */
            enter(HL_COMMAND_EXECUTE);
        }
        uint64_t per_run = (hl_rdtsc() - start) / (uint64_t)repeat;
        char line[64], digits[24];
        int d = 0, k = 0;
        do { digits[d++] = (char)('0' + per_run % 10); per_run /= 10; } while (per_run);
        memcpy(line, "TSC cycles per run: ", 20); k = 20;
        while (d) line[k++] = digits[--d];
        line[k++] = '\n';
        say(2, line, (size_t)k);
    }
    leave(0);
}
