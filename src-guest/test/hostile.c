/*
 * Test-only guest that attacks the host-call protocol. The program text the host sends names the
 * attack; after each, the host must report an error and the VM must run the next program normally.
 */
#include <stdint.h>
#include "hostabi.h"

static struct hl_mailbox *mb;

static uint64_t overflow_stack(uint64_t depth) {
    volatile uint8_t frame[4096];
    frame[0] = (uint8_t)depth;
    return overflow_stack(depth + 1) + frame[0];
}

static void out(uint16_t port, uint32_t value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory"); }

static int equals(const char *a, uint32_t a_len, const char *b) {
    uint32_t i = 0;
    for (; i < a_len && b[i]; i++) if (a[i] != b[i]) return 0;
    return i == a_len && b[i] == 0;
}

static void put(uint64_t addr, const char *s, uint32_t *length) {
    uint32_t n = 0;
    while (s[n]) { ((char *)addr)[n] = s[n]; n++; }
    *length = n;
}

static void done(const char *outcome) {
    put(mb->out_addr, outcome, (uint32_t *)&mb->outcome_length);
    for (;;) out(HL_PORT_DONE, 0);
}

/* An ABORT exit as the platform's hl_abort makes it, with any code: the host words the ones hostabi.h defines. */
static void abort_with(uint32_t code, const char *message) {
    put(mb->out_addr, message, (uint32_t *)&mb->outcome_length);
    mb->abort_code = code;
    for (;;) out(HL_PORT_ABORT, code);
}

void guest_entry(struct hl_mailbox *mailbox) {
    mb = mailbox;
    mb->log_length = 0;
    if (mb->command == HL_COMMAND_BOOT) done(HL_OUTCOME_BOOTED);
    const char *attack = (const char *)mb->in_addr;
    uint32_t n = mb->code_length;
    if (equals(attack, n, "request-length-past-buffer")) {
        mb->call_length = 0xFFFFFFF0u;
        out(HL_PORT_HOSTCALL, 0);
    } else if (equals(attack, n, "request-bad-json")) {
        put(mb->out_addr, "{\"name\": \"echo\", \"args\": {", &mb->call_length);
        out(HL_PORT_HOSTCALL, 0);
    } else if (equals(attack, n, "request-bad-utf8")) {
        put(mb->out_addr, "{\"name\":\"echo\",\"args\":\"\xC3\x28\"}", &mb->call_length);
        out(HL_PORT_HOSTCALL, 0);
    } else if (equals(attack, n, "unknown-port")) {
        out(0x99, 0);
    } else if (equals(attack, n, "in-instruction")) {
        uint32_t v;
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)HL_PORT_DONE));
    } else if (equals(attack, n, "write-code")) {
        *(volatile uint32_t *)0x100000 = 0xCCCCCCCC;
        if (*(volatile uint32_t *)0x100000 == 0xCCCCCCCC) done("{\"ok\":true,\"result\":\"code-modified\"}");
        done("{\"ok\":true,\"result\":\"write-ignored\"}");
    } else if (equals(attack, n, "stack-overflow")) {
        overflow_stack(0);
    } else if (equals(attack, n, "write-page-tables")) {
        *(volatile uint64_t *)0x1000 = 0;
    } else if (equals(attack, n, "invalid-opcode")) {
        __asm__ volatile("ud2");
    } else if (equals(attack, n, "triple-fault")) {
        /* no stack to deliver the exception on: #UD, then #PF and #DF while pushing, then shutdown */
        __asm__ volatile("xor %%esp, %%esp; ud2" ::: "memory");
    } else if (equals(attack, n, "halt")) {
        __asm__ volatile("hlt");
    } else if (equals(attack, n, "log-length-past-buffer")) {
        mb->log_length = mb->log_capacity + 1;
        out(HL_PORT_LOG_FLUSH, 0);
    } else if (equals(attack, n, "log-record-past-buffer")) {
        uint8_t *log = (uint8_t *)mb->log_addr;
        log[0] = HL_STREAM_STDOUT;
        *(uint32_t *)(log + 1) = 1000;
        mb->log_length = 8;
        out(HL_PORT_LOG_FLUSH, 0);
    } else if (equals(attack, n, "outcome-length-past-buffer")) {
        mb->outcome_length = 0xFFFFFFFFu;
        out(HL_PORT_DONE, 0);
    } else if (equals(attack, n, "outcome-bad-json")) {
        done("{\"ok\":tru");
    } else if (equals(attack, n, "abort-assert")) {
        abort_with(HL_ABORT_ASSERT, "heap.c: free list corrupt");
    } else if (equals(attack, n, "abort-unknown-code")) {
        abort_with(0xDEADBEEF, "made up");
    } else if (equals(attack, n, "spin-ignoring-cancel")) {
        for (;;) __asm__ volatile("pause");
    } else if (equals(attack, n, "scribble")) {
        /* wrecks its own heap and the stack below its frame, then ends as if nothing happened: in a session this is
           the session's own memory, which no other session or execution may see */
        volatile uint8_t *heap = (volatile uint8_t *)mb->heap_addr;
        for (uint32_t i = 0; i < (256u << 10); i++) heap[i] = 0xA5;
        volatile uint8_t below[32768];
        for (uint32_t i = 0; i < sizeof below; i++) below[i] = 0xA5;
        done("{\"ok\":true,\"result\":\"scribbled\"}");
    } else if (equals(attack, n, "heap-scribbled")) {
        done(*(volatile uint8_t *)mb->heap_addr == 0xA5 ? "{\"ok\":true,\"result\":true}" : "{\"ok\":true,\"result\":false}");
    } else if (equals(attack, n, "ok")) {
        done("{\"ok\":true,\"result\":42}");
    }
    done("{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"Error\",\"message\":\"unknown attack\"}");
}
