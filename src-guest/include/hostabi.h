/*
 * Host-call ABI shared by the guest and hyperlight-jna (MailboxLayout.java mirrors it).
 * The host passes the mailbox address in RDI on every entry. All integers are little-endian.
 * Fields the guest reads are written by the host before an entry; the host reads guest-written
 * fields only after an exit, copies them once and bounds-checks them before use.
 */
#ifndef CODEACT_HOSTABI_H
#define CODEACT_HOSTABI_H

#define HL_MAILBOX_MAGIC 0x4C484143u /* "CAHL" */
#define HL_ABI_VERSION 3u

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

#define HL_ABORT_ASSERT 1u
#define HL_ABORT_OUT_OF_MEMORY 2u
#define HL_ABORT_BAD_COMMAND 3u
#define HL_ABORT_BOOT_FAILED 4u

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hl_mailbox {
    /* set once by the host when the VM is created */
    uint32_t magic;                    /* 0 */
    uint32_t abi_version;              /* 4 */
    uint64_t in_addr;                  /* 8: host -> guest: program text, host-call replies */
    uint32_t in_capacity;              /* 16 */
    uint32_t out_capacity;             /* 20 */
    uint64_t out_addr;                 /* 24: guest -> host: host-call requests, outcome */
    uint64_t log_addr;                 /* 32: guest -> host: console records */
    uint32_t log_capacity;             /* 40 */
    uint32_t reserved0;                /* 44 */
    uint64_t heap_addr;                /* 48 */
    uint64_t heap_size_bytes;          /* 56 */
    uint64_t tls_addr;                 /* 64 */
    uint8_t reserved1[56];             /* 72 */
    /* written by the host before each entry */
    uint32_t command;                  /* 128 */
    uint32_t code_length;              /* 132 */
    uint64_t memory_limit_bytes;       /* 136 */
    uint64_t stack_limit_bytes;        /* 144 */
    int64_t epoch_ms;                  /* 152 */
    uint64_t rng_seed;                 /* 160 */
    uint64_t tsc_per_ms;               /* 168: 0 when unknown */
    uint32_t max_request_bytes;        /* 176 */
    uint32_t reserved2;                /* 180 */
    uint8_t reserved3[8];              /* 184 */
    /* written by the host at any time, polled by the guest */
    volatile uint32_t cancel_requested;/* 192 */
    uint8_t reserved4[60];             /* 196 */
    /* written by the guest before an exit */
    uint32_t call_length;              /* 256 */
    uint32_t reply_length;             /* 260: written by the host */
    uint32_t reply_status;             /* 264: written by the host */
    uint32_t log_length;               /* 268 */
    uint32_t outcome_length;           /* 272 */
    uint32_t abort_code;               /* 276 */
    uint64_t tsc_at_entry;             /* 280 */
    uint64_t heap_high_water_bytes;    /* 288 */
    uint64_t tsc_at_exit;              /* 296 */
    uint64_t sleep_us;                 /* 304: before a SLEEP exit */
    uint8_t reserved5[8];              /* 312 */
    /* written by the host before each entry */
    uint8_t entropy[32];               /* 320: fresh from the host's CSPRNG, keys crypto.getRandomValues */
};

_Static_assert(__builtin_offsetof(struct hl_mailbox, command) == 128, "mailbox layout");
_Static_assert(__builtin_offsetof(struct hl_mailbox, cancel_requested) == 192, "mailbox layout");
_Static_assert(__builtin_offsetof(struct hl_mailbox, call_length) == 256, "mailbox layout");
_Static_assert(__builtin_offsetof(struct hl_mailbox, heap_high_water_bytes) == 288, "mailbox layout");
_Static_assert(__builtin_offsetof(struct hl_mailbox, entropy) == 320, "mailbox layout");
#endif
#endif
