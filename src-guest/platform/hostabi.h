/*
 * Host-call ABI shared by the guest and hyperlight-jna: this header is its definition. The Java side mirrors it in
 * hyperlight-jna's abi/Mailbox.java (numbers, offsets, sizes) and abi/GuestStrings.java (the strings below), and
 * HostAbiParityTest reads this file and fails when the two sides differ.
 * The host passes the mailbox address in RDI on every entry. All integers are little-endian.
 * Fields the guest reads are written by the host before an entry; the host reads guest-written
 * fields only after an exit, copies them once and bounds-checks them before use.
 */
#ifndef CODEACT_HOSTABI_H
#define CODEACT_HOSTABI_H

#define HL_MAILBOX_MAGIC 0x4C484143u /* "CAHL" */
#define HL_ABI_VERSION 4u

/* I/O ports: an `out` to one of these is the only way the guest leaves the VM. */
#define HL_PORT_HOSTCALL 0xE0 /* a {name,args} JSON request waits in OUT */
#define HL_PORT_DONE 0xE1     /* the command finished; the outcome JSON waits in OUT */
#define HL_PORT_ABORT 0xE2    /* the guest gave up: code in EAX, message in OUT */
#define HL_PORT_LOG_FLUSH 0xE3 /* the console log buffer is full */
#define HL_PORT_EXCEPTION 0xE4 /* a CPU exception: vector in EAX, error code in RCX, faulting RIP in RBX */
#define HL_PORT_OUT_OF_MEMORY 0xE5 /* an allocation would cross the memory limit: the execution ends there */
#define HL_PORT_SLEEP 0xE6 /* nothing to run before the next timer: the host waits sleep_us (bounded by the deadline) */

#define HL_COMMAND_BOOT 1u
#define HL_COMMAND_EXECUTE 2u

#define HL_REPLY_OK 0u
#define HL_REPLY_ERROR 1u

#define HL_STREAM_STDOUT 1u
#define HL_STREAM_STDERR 2u
#define HL_LOG_RECORD_HEADER_BYTES 5u /* u8 stream, u32 length */

/* The code in EAX (and abort_code) at an ABORT exit; the message waits in OUT. */
#define HL_ABORT_ASSERT 1u        /* abort() or a failed assert() in the guest */
#define HL_ABORT_OUT_OF_MEMORY 2u /* the guest could not go on for want of memory */
#define HL_ABORT_BAD_COMMAND 3u   /* wrong magic or ABI version, or a command the guest's state does not allow */
#define HL_ABORT_BOOT_FAILED 4u   /* the language runtime could not be made */

#define HL_ENTROPY_BYTES 32u      /* struct hl_mailbox.entropy */
#define HL_MAILBOX_STRUCT_BYTES 352u /* sizeof(struct hl_mailbox): what of the mailbox page the ABI uses */
#define HL_STATIC_TLS_BYTES 4096u /* room below the thread pointer (tls_addr, FS.base) for the image's thread-locals */

/*
 * Strings both sides agree on. The outcome the guest writes at DONE is JSON: {"ok":true,"result":...} or
 * {"ok":false,"type":...,"name":...,"message":...,"stack":...,"tool":...}, with type one of HL_OUTCOME_TYPE_*.
 * The program-facing JavaScript (runtime.js's 90-protocol.js) writes most outcomes; the guest's C writes the ones
 * below, which need no allocation or no engine. HL_MESSAGE_* and HL_OUTCOME_RESULT_TOO_LARGE are printf formats (%zu
 * the size, %u the limit); an in-process engine words the same failures the same way.
 */
#define HL_OUTCOME_TYPE_SYNTAX "SYNTAX"                 /* the program does not parse */
#define HL_OUTCOME_TYPE_RUNTIME "RUNTIME"               /* it threw, or awaited a promise that never settled */
#define HL_OUTCOME_TYPE_OUT_OF_MEMORY "OUT_OF_MEMORY"
#define HL_OUTCOME_TYPE_STACK_OVERFLOW "STACK_OVERFLOW" /* the engine's own stack overflow */
#define HL_OUTCOME_TYPE_HOST_FUNCTION_ERROR "TOOL_ERROR"         /* an uncaught error of a host call (a ToolError) */
#define HL_OUTCOME_TYPE_OUTPUT_LIMIT "OUTPUT_LIMIT"     /* the outcome would not fit in OUT */
#define HL_OUTCOME_TYPE_INTERRUPTED "INTERRUPTED"       /* stopped because the host set cancel_requested */

#define HL_ERROR_NAME_HOST_FUNCTION "ToolError"         /* the error a failed host call throws in the program */
#define HL_ERROR_NAME_INTERNAL "InternalError" /* the engine's own failure */
#define HL_ERROR_NAME_RANGE "RangeError"       /* a limit the program ran into */

#define HL_OUTCOME_BOOTED "{\"ok\":true,\"result\":null}"
#define HL_OUTCOME_INTERRUPTED "{\"ok\":false,\"type\":\"" HL_OUTCOME_TYPE_INTERRUPTED "\"}"
#define HL_OUTCOME_ENCODE_FAILED "{\"ok\":false,\"type\":\"" HL_OUTCOME_TYPE_RUNTIME "\",\"name\":\"" \
    HL_ERROR_NAME_INTERNAL "\",\"message\":\"the outcome could not be encoded\"}"
#define HL_MESSAGE_RESULT_TOO_LARGE "the result is %zu bytes of JSON, the limit is %u bytes"
#define HL_OUTCOME_RESULT_TOO_LARGE "{\"ok\":false,\"type\":\"" HL_OUTCOME_TYPE_OUTPUT_LIMIT "\",\"name\":\"" \
    HL_ERROR_NAME_RANGE "\",\"message\":\"" HL_MESSAGE_RESULT_TOO_LARGE "\"}"
/* the reply to a host call whose request is larger than max_request_bytes (or OUT), refused before any exit */
#define HL_MESSAGE_REQUEST_TOO_LARGE "tool arguments too large: %zu bytes of JSON, the limit is %u bytes"

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hl_mailbox {
    /* set once by the host when the VM is created */
    uint32_t magic;
    uint32_t abi_version;
    uint64_t in_addr; /* host -> guest: program text, host-call replies */
    uint32_t in_capacity;
    uint32_t out_capacity;
    uint64_t out_addr; /* guest -> host: host-call requests, outcome */
    uint64_t log_addr; /* guest -> host: console records */
    uint32_t log_capacity;
    uint32_t reserved0;
    uint64_t heap_addr;
    uint64_t heap_size_bytes;
    uint64_t tls_addr;
    uint8_t reserved1[56];
    /* written by the host before each entry */
    uint32_t command;
    uint32_t code_length;
    uint64_t memory_limit_bytes;
    uint64_t stack_limit_bytes;
    int64_t epoch_ms;
    uint64_t rng_seed;
    uint64_t tsc_per_ms; /* 0 when unknown */
    uint32_t max_request_bytes;
    uint32_t reserved2;
    uint8_t reserved3[8];
    /* written by the host at any time, polled by the guest */
    volatile uint32_t cancel_requested;
    uint8_t reserved4[60];
    /* written by the guest before an exit */
    uint32_t call_length;
    uint32_t reply_length; /* written by the host */
    uint32_t reply_status; /* written by the host */
    uint32_t log_length;
    uint32_t outcome_length;
    uint32_t abort_code;
    uint64_t tsc_at_entry;
    uint64_t heap_high_water_bytes;
    uint64_t tsc_at_exit;
    uint64_t sleep_us; /* before a SLEEP exit */
    uint8_t reserved5[8];
    /* written by the host before each entry */
    uint8_t entropy[HL_ENTROPY_BYTES]; /* fresh from the host's CSPRNG, keys crypto.getRandomValues */
};

/* The layout: every field's offset and size, checked by the compiler here and against the host by HostAbiParityTest. */
#define HL_OFFSET(field) __builtin_offsetof(struct hl_mailbox, field)
#define HL_SIZE(field) sizeof(((struct hl_mailbox *)0)->field)
_Static_assert(HL_OFFSET(magic) == 0 && HL_SIZE(magic) == 4, "magic");
_Static_assert(HL_OFFSET(abi_version) == 4 && HL_SIZE(abi_version) == 4, "abi_version");
_Static_assert(HL_OFFSET(in_addr) == 8 && HL_SIZE(in_addr) == 8, "in_addr");
_Static_assert(HL_OFFSET(in_capacity) == 16 && HL_SIZE(in_capacity) == 4, "in_capacity");
_Static_assert(HL_OFFSET(out_capacity) == 20 && HL_SIZE(out_capacity) == 4, "out_capacity");
_Static_assert(HL_OFFSET(out_addr) == 24 && HL_SIZE(out_addr) == 8, "out_addr");
_Static_assert(HL_OFFSET(log_addr) == 32 && HL_SIZE(log_addr) == 8, "log_addr");
_Static_assert(HL_OFFSET(log_capacity) == 40 && HL_SIZE(log_capacity) == 4, "log_capacity");
_Static_assert(HL_OFFSET(reserved0) == 44 && HL_SIZE(reserved0) == 4, "reserved0");
_Static_assert(HL_OFFSET(heap_addr) == 48 && HL_SIZE(heap_addr) == 8, "heap_addr");
_Static_assert(HL_OFFSET(heap_size_bytes) == 56 && HL_SIZE(heap_size_bytes) == 8, "heap_size_bytes");
_Static_assert(HL_OFFSET(tls_addr) == 64 && HL_SIZE(tls_addr) == 8, "tls_addr");
_Static_assert(HL_OFFSET(reserved1) == 72 && HL_SIZE(reserved1) == 56, "reserved1");
_Static_assert(HL_OFFSET(command) == 128 && HL_SIZE(command) == 4, "command");
_Static_assert(HL_OFFSET(code_length) == 132 && HL_SIZE(code_length) == 4, "code_length");
_Static_assert(HL_OFFSET(memory_limit_bytes) == 136 && HL_SIZE(memory_limit_bytes) == 8, "memory_limit_bytes");
_Static_assert(HL_OFFSET(stack_limit_bytes) == 144 && HL_SIZE(stack_limit_bytes) == 8, "stack_limit_bytes");
_Static_assert(HL_OFFSET(epoch_ms) == 152 && HL_SIZE(epoch_ms) == 8, "epoch_ms");
_Static_assert(HL_OFFSET(rng_seed) == 160 && HL_SIZE(rng_seed) == 8, "rng_seed");
_Static_assert(HL_OFFSET(tsc_per_ms) == 168 && HL_SIZE(tsc_per_ms) == 8, "tsc_per_ms");
_Static_assert(HL_OFFSET(max_request_bytes) == 176 && HL_SIZE(max_request_bytes) == 4, "max_request_bytes");
_Static_assert(HL_OFFSET(reserved2) == 180 && HL_SIZE(reserved2) == 4, "reserved2");
_Static_assert(HL_OFFSET(reserved3) == 184 && HL_SIZE(reserved3) == 8, "reserved3");
_Static_assert(HL_OFFSET(cancel_requested) == 192 && HL_SIZE(cancel_requested) == 4, "cancel_requested");
_Static_assert(HL_OFFSET(reserved4) == 196 && HL_SIZE(reserved4) == 60, "reserved4");
_Static_assert(HL_OFFSET(call_length) == 256 && HL_SIZE(call_length) == 4, "call_length");
_Static_assert(HL_OFFSET(reply_length) == 260 && HL_SIZE(reply_length) == 4, "reply_length");
_Static_assert(HL_OFFSET(reply_status) == 264 && HL_SIZE(reply_status) == 4, "reply_status");
_Static_assert(HL_OFFSET(log_length) == 268 && HL_SIZE(log_length) == 4, "log_length");
_Static_assert(HL_OFFSET(outcome_length) == 272 && HL_SIZE(outcome_length) == 4, "outcome_length");
_Static_assert(HL_OFFSET(abort_code) == 276 && HL_SIZE(abort_code) == 4, "abort_code");
_Static_assert(HL_OFFSET(tsc_at_entry) == 280 && HL_SIZE(tsc_at_entry) == 8, "tsc_at_entry");
_Static_assert(HL_OFFSET(heap_high_water_bytes) == 288 && HL_SIZE(heap_high_water_bytes) == 8, "heap_high_water_bytes");
_Static_assert(HL_OFFSET(tsc_at_exit) == 296 && HL_SIZE(tsc_at_exit) == 8, "tsc_at_exit");
_Static_assert(HL_OFFSET(sleep_us) == 304 && HL_SIZE(sleep_us) == 8, "sleep_us");
_Static_assert(HL_OFFSET(reserved5) == 312 && HL_SIZE(reserved5) == 8, "reserved5");
_Static_assert(HL_OFFSET(entropy) == 320 && HL_SIZE(entropy) == HL_ENTROPY_BYTES, "entropy");
_Static_assert(sizeof(struct hl_mailbox) == HL_MAILBOX_STRUCT_BYTES, "mailbox size");
#endif
#endif
