/*
 * The QuickJS runtime: created once at boot (that state is the snapshot every execution starts
 * from), then one program per EXECUTE entry, run as the body of an async function.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "quickjs.h"

extern const uint8_t runtime_bytecode[], runtime_bytecode_end[], intl_bytecode[], intl_bytecode_end[];

static JSRuntime *runtime;
static JSContext *context;
static JSValue encode_outcome; /* runtime.js's (phase, ok, value) -> outcome JSON string */
static JSValue tick; /* runtime.js's event-loop step: runs a due timer (0), or the ms to the next one, or -1 */
static uint64_t random_state;
static uint32_t chacha_key[8], chacha_counter;
static uint32_t stack_overflows_at_start;
static size_t boot_bytes; /* what the booted runtime holds (runtime.js, Intl's data): not the program's to spend */
static JSValue shapes;    /* objects made at boot so that their shapes stay where they were made (runtime_boot) */

/*
 * Memory. QuickJS is charged what the heap really spends on a block, header included, so the limit bounds the
 * heap itself. The allocation that would cross the limit, or that the heap cannot serve, ends the execution
 * there and then: the guest leaves through the OUT_OF_MEMORY port, and the host reports OUT_OF_MEMORY (the error
 * needs no memory of the guest's) and restores the VM. QuickJS never sees a failed allocation, so none of its
 * out-of-memory paths runs (fault injection under AddressSanitizer found several that leave half-built state
 * behind), and no program can catch running out of memory and go on.
 */
static _Noreturn void out_of_memory(void) {
    for (;;) hl_out(HL_PORT_OUT_OF_MEMORY, 0);
}

static void admit(const JSMallocState *s, size_t more) {
    if (more > s->malloc_limit || s->malloc_size > s->malloc_limit - more) out_of_memory();
}

static size_t charged(const void *p) { return malloc_usable_size((void *)p) + HEAP_BLOCK_HEADER_BYTES; }

static void *limited_malloc(JSMallocState *s, size_t size) {
    admit(s, size + HEAP_BLOCK_HEADER_BYTES);
    void *p = malloc(size);
    if (!p) out_of_memory();
    s->malloc_count++;
    s->malloc_size += charged(p);
    return p;
}

static void limited_free(JSMallocState *s, void *p) {
    if (!p) return;
    s->malloc_count--;
    s->malloc_size -= charged(p);
    free(p);
}

static void *limited_realloc(JSMallocState *s, void *p, size_t size) {
    if (!p) return size == 0 ? NULL : limited_malloc(s, size);
    if (size == 0) {
        limited_free(s, p);
        return NULL;
    }
    size_t old = charged(p);
    if (size + HEAP_BLOCK_HEADER_BYTES > old) admit(s, size + HEAP_BLOCK_HEADER_BYTES - old);
    void *q = realloc(p, size);
    if (!q) out_of_memory();
    s->malloc_size = s->malloc_size - old + charged(q);
    return q;
}

static size_t usable_size(const void *p) { return malloc_usable_size((void *)p); }

static const JSMallocFunctions LIMITED_ALLOCATOR = {limited_malloc, limited_free, limited_realloc, usable_size};

static const char PROGRAM_PREFIX[] = "(async function () {";
static const char PROGRAM_SUFFIX[] = "\n})";
/* Outcomes that need no allocation. */
static const char INTERRUPTED_OUTCOME[] = "{\"ok\":false,\"type\":\"INTERRUPTED\"}";
static const char ENCODE_FAILED_OUTCOME[] =
    "{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"InternalError\",\"message\":\"the outcome could not be encoded\"}";

static int stop_requested(void) { return hl_mailbox->cancel_requested != 0; }

static int interrupt_requested(JSRuntime *rt, void *opaque) {
    (void)rt; (void)opaque;
    return stop_requested();
}

static JSValue native_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t stream;
    size_t length;
    if (JS_ToInt32(ctx, &stream, argv[0])) return JS_EXCEPTION;
    const char *text = JS_ToCStringLen(ctx, &length, argv[1]);
    if (!text) return JS_EXCEPTION;
    hl_log_write(stream == HL_STREAM_STDERR ? HL_STREAM_STDERR : HL_STREAM_STDOUT, text, length);
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

/* [ok, text] with both elements defined, not set: no setter a program put on Array.prototype runs. */
static JSValue reply_pair(JSContext *ctx, int ok, JSValue text) {
    JSValue pair = JS_NewArray(ctx);
    if (JS_IsException(pair) || JS_IsException(text)) {
        JS_FreeValue(ctx, pair);
        JS_FreeValue(ctx, text);
        return JS_EXCEPTION;
    }
    if (JS_DefinePropertyValueUint32(ctx, pair, 0, JS_NewBool(ctx, ok), JS_PROP_C_W_E) < 0 ||
        JS_DefinePropertyValueUint32(ctx, pair, 1, text, JS_PROP_C_W_E) < 0) {
        JS_FreeValue(ctx, pair);
        return JS_EXCEPTION;
    }
    return pair;
}

/* host_call(requestJson) -> [ok, replyText]; oversized requests fail here, before any exit. */
static JSValue native_host_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t length, reply_length;
    const char *reply;
    if (!JS_IsString(argv[0])) return JS_ThrowTypeError(ctx, "host_call: the request must be a string");
    const char *request = JS_ToCStringLen(ctx, &length, argv[0]);
    if (!request) return JS_EXCEPTION;
    uint32_t limit = hl_mailbox->max_request_bytes;
    if (limit > hl_mailbox->out_capacity) limit = hl_mailbox->out_capacity;
    if (length > limit) {
        JS_FreeCString(ctx, request);
        char message[160];
        snprintf(message, sizeof message, "tool arguments too large: %zu bytes of JSON, the limit is %u bytes",
                 length, (unsigned)limit);
        return reply_pair(ctx, 0, JS_NewString(ctx, message));
    }
    int status = hl_host_call(request, length, &reply, &reply_length);
    JS_FreeCString(ctx, request);
    return reply_pair(ctx, status == HL_REPLY_OK, JS_NewStringLen(ctx, reply, reply_length));
}

/* xorshift64*, seeded by the host from its CSPRNG for every execution, so no execution can predict another's. */
static JSValue native_random(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)ctx; (void)this_val; (void)argc; (void)argv;
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    uint64_t bits = (random_state * 0x2545F4914F6CDD1DULL) >> 11;
    return JS_NewFloat64(ctx, (double)bits / 9007199254740992.0);
}

/*
 * crypto.getRandomValues: ChaCha20 keyed with the 32 bytes of entropy the host puts in the mailbox for every
 * execution (from its CSPRNG), so the bytes are as unpredictable as the host's, and no execution's tell another's.
 */
#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QUARTER(a, b, c, d) (a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
                             a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))
static void chacha20_block(uint8_t out[64]) {
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    memcpy(in + 4, chacha_key, sizeof chacha_key);
    in[12] = chacha_counter++;
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        QUARTER(x[0], x[4], x[8], x[12]); QUARTER(x[1], x[5], x[9], x[13]);
        QUARTER(x[2], x[6], x[10], x[14]); QUARTER(x[3], x[7], x[11], x[15]);
        QUARTER(x[0], x[5], x[10], x[15]); QUARTER(x[1], x[6], x[11], x[12]);
        QUARTER(x[2], x[7], x[8], x[13]); QUARTER(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) x[i] += in[i];
    memcpy(out, x, 64);
}

/* random_fill(uint8Array): fills the array's bytes in place. */
static JSValue native_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t offset, length, element_size, buffer_size;
    JSValue buffer = JS_GetTypedArrayBuffer(ctx, argv[0], &offset, &length, &element_size);
    if (JS_IsException(buffer)) return JS_EXCEPTION;
    uint8_t *bytes = JS_GetArrayBuffer(ctx, &buffer_size, buffer);
    JS_FreeValue(ctx, buffer);
    if (!bytes || offset > buffer_size || length > buffer_size - offset) return JS_ThrowTypeError(ctx, "random_fill: no bytes");
    uint8_t block[64];
    for (size_t done = 0; done < length; done += sizeof block) {
        chacha20_block(block);
        size_t n = length - done < sizeof block ? length - done : sizeof block;
        memcpy(bytes + offset + done, block, n);
    }
    memset(block, 0, sizeof block);
    return JS_UNDEFINED;
}

static JSValue native_now_ms(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    uint64_t per_ms = hl_mailbox->tsc_per_ms;
    double elapsed = per_ms ? (double)(hl_rdtsc() - hl_mailbox->tsc_at_entry) / (double)per_ms : 0.0;
    return JS_NewFloat64(ctx, elapsed);
}

/* performance.timeOrigin: the execution's own start, so nothing in it tells one VM from another. */
static JSValue native_time_origin(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)hl_mailbox->epoch_ms);
}

/* Whether a value is an Error object by its class, which no prototype or Symbol.hasInstance can fake. */
static JSValue native_is_error(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    return JS_NewBool(ctx, JS_IsError(ctx, argv[0]));
}

/* Whether the engine itself threw "stack overflow" during this execution (a program can throw the message too). */
static JSValue native_stack_overflowed(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewBool(ctx, JS_StackOverflowCount != stack_overflows_at_start);
}

static const JSCFunctionListEntry native_functions[] = {
    JS_CFUNC_DEF("write", 2, native_write),
    JS_CFUNC_DEF("host_call", 1, native_host_call),
    JS_CFUNC_DEF("random", 0, native_random),
    JS_CFUNC_DEF("now_ms", 0, native_now_ms),
    JS_CFUNC_DEF("time_origin", 0, native_time_origin),
    JS_CFUNC_DEF("is_error", 1, native_is_error),
    JS_CFUNC_DEF("stack_overflowed", 0, native_stack_overflowed),
    JS_CFUNC_DEF("random_fill", 1, native_random_fill),
};

void runtime_boot(void) {
    runtime = JS_NewRuntime2(&LIMITED_ALLOCATOR, NULL);
    if (!runtime) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewRuntime failed");
    JS_SetCanBlock(runtime, 0);
    JS_SetInterruptHandler(runtime, interrupt_requested, NULL);
    context = JS_NewContext(runtime);
    if (!context) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewContext failed");
    /* The shapes of the objects every execution makes (an async function and its promise, closures, arrays,
       arguments) are made first and kept, so that they lie at the start of the heap with the other things each
       execution touches, rather than among Intl's data, where FormatJS would first have made them. */
    static const char shapes_js[] = "(async function f(a, b) { const o = { x: 1 }; const c = () => o; await null; "
                                    "return [o, [1], c, function g() {}, a, b, arguments]; })(1, 2)";
    shapes = JS_Eval(context, shapes_js, sizeof shapes_js - 1, "boot.js", JS_EVAL_TYPE_GLOBAL);
    for (JSContext *job_context; JS_ExecutePendingJob(runtime, &job_context) > 0;) {}
    if (JS_IsException(shapes)) hl_abort(HL_ABORT_BOOT_FAILED, "the boot shapes failed");
    /* runtime.js and the Intl bundle, compiled at build time (tools/compile-runtime.c). runtime.js is read first,
       so that its functions and strings, which every execution touches (reference counts), lie together at the
       start of the heap; then the bundle is read and run (the megabytes of Intl's data); then runtime.js runs, its
       closures together again, and yields install(native). Read the other way round, the strings runtime.js shares
       with FormatJS would lie among the bundle's and each execution would write some pages more. */
    JSValue compiled = JS_ReadObject(context, runtime_bytecode, (size_t)(runtime_bytecode_end - runtime_bytecode),
                                     JS_READ_OBJ_BYTECODE);
    JSValue intl = JS_IsException(compiled) ? JS_EXCEPTION
        : JS_ReadObject(context, intl_bytecode, (size_t)(intl_bytecode_end - intl_bytecode), JS_READ_OBJ_BYTECODE);
    JSValue intl_done = JS_IsException(intl) ? JS_EXCEPTION : JS_EvalFunction(context, intl);
    JSValue install = JS_IsException(intl_done) ? JS_EXCEPTION : JS_EvalFunction(context, compiled);
    JS_FreeValue(context, intl_done);
    JSValue natives = JS_NewObject(context);
    JS_SetPropertyFunctionList(context, natives, native_functions, sizeof native_functions / sizeof native_functions[0]);
    /* everything runtime.js would make on first use is made now, into the snapshot every execution starts from */
    JS_SetPropertyStr(context, natives, "eager", JS_TRUE);
    JSValue hooks = JS_IsException(install) ? JS_EXCEPTION : JS_Call(context, install, JS_UNDEFINED, 1, &natives);
    encode_outcome = JS_IsException(hooks) ? JS_EXCEPTION : JS_GetPropertyStr(context, hooks, "encode");
    tick = JS_IsException(hooks) ? JS_EXCEPTION : JS_GetPropertyStr(context, hooks, "tick");
    JS_FreeValue(context, hooks);
    if (JS_IsException(encode_outcome) || !JS_IsFunction(context, encode_outcome) || !JS_IsFunction(context, tick)) {
        JSValue error = JS_GetException(context);
        const char *message = JS_ToCString(context, error);
        hl_abort(HL_ABORT_BOOT_FAILED, message ? message : "runtime.js failed");
    }
    JS_FreeValue(context, natives);
    JS_FreeValue(context, install);
    /* The program's file name stays an atom from boot: made anew in every execution, it would take a free slot
       of the atom table and a hash bucket, two pages among the thousands of atoms of Intl's data. */
    JS_NewAtom(context, "program.js");
    JS_RunGC(runtime);
    JSMemoryUsage usage;
    JS_ComputeMemoryUsage(runtime, &usage);
    boot_bytes = (size_t)usage.malloc_size;
    heap_seal();
    static const char booted[] = "{\"ok\":true,\"result\":null}";
    hl_finish(booted, sizeof booted - 1);
}

/* Runs queued promise jobs until none is left or the program must stop. */
static void drain_jobs(void) {
    JSContext *job_context;
    int status;
    while (!stop_requested() && (status = JS_ExecutePendingJob(runtime, &job_context)) != 0) {
        if (status < 0) JS_FreeValue(context, JS_GetException(context));
    }
}

/*
 * The event loop: promise jobs, then one due timer at a time (with the jobs it queued after it, as in Node), until
 * the program's promise settles, nothing is left to wait for, or the program must stop. With nothing to run before
 * the next timer the guest sleeps on the host, which bounds the sleep by the deadline and wakes it for a stop.
 * Returns 0, or -1 with *thrown set when a timer, microtask or listener threw: that ends the program, as an
 * uncaught exception ends Node.
 */
static int run_event_loop(JSValueConst promise, JSValue *thrown) {
    for (;;) {
        drain_jobs();
        if (stop_requested() || JS_PromiseState(context, promise) != JS_PROMISE_PENDING) return 0;
        JSValue next = JS_Call(context, tick, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(next)) {
            *thrown = JS_GetException(context);
            return -1;
        }
        double wait_ms;
        int bad = JS_ToFloat64(context, &wait_ms, next);
        JS_FreeValue(context, next);
        if (bad || !(wait_ms >= 0)) return 0;
        if (wait_ms > 0) hl_sleep(wait_ms < 1e12 ? (uint64_t)(wait_ms * 1000.0) + 1 : (uint64_t)1e15);
    }
}

/*
 * Hands runtime.js's encoding of the outcome to the host. The encoder runs under the program's own limits:
 * a result's toJSON is program code. Returns 0 when it did not produce an outcome.
 */
static int encode_and_finish(const char *phase, int ok, JSValueConst value) {
    JSValue args[3] = {JS_NewString(context, phase), JS_NewBool(context, ok), JS_DupValue(context, value)};
    JSValue json = JS_IsException(args[0]) ? JS_EXCEPTION : JS_Call(context, encode_outcome, JS_UNDEFINED, 3, args);
    JS_FreeValue(context, args[0]);
    JS_FreeValue(context, args[2]);
    size_t length;
    const char *text = JS_IsString(json) ? JS_ToCStringLen(context, &length, json) : NULL;
    JS_FreeValue(context, json);
    if (!text) {
        JS_FreeValue(context, JS_GetException(context));
        return 0;
    }
    if (length > hl_mailbox->out_capacity) {
        char message[200];
        int n = snprintf(message, sizeof message,
                         "{\"ok\":false,\"type\":\"OUTPUT_LIMIT\",\"name\":\"RangeError\",\"message\":"
                         "\"the result is %zu bytes of JSON, the limit is %u bytes\"}",
                         length, (unsigned)hl_mailbox->out_capacity);
        hl_finish(message, (size_t)n);
    } else {
        hl_finish(text, length);
    }
    JS_FreeCString(context, text);
    return 1;
}

/* Takes ownership of value. A stop requested at any point decides the outcome. */
static void finish(const char *phase, int ok, JSValue value) {
    int encoded = 0;
    if (!stop_requested()) {
        if (!ok) JS_RunGC(runtime); /* room to describe the failure; a collection touches every page, so not after success */
        encoded = encode_and_finish(phase, ok, value);
    }
    JS_FreeValue(context, value);
    if (!encoded) {
        if (stop_requested()) hl_finish(INTERRUPTED_OUTCOME, sizeof INTERRUPTED_OUTCOME - 1);
        else hl_finish(ENCODE_FAILED_OUTCOME, sizeof ENCODE_FAILED_OUTCOME - 1);
    }
}

void runtime_execute(void) {
    struct hl_mailbox *mb = hl_mailbox;
    random_state = mb->rng_seed | 1;
    memcpy(chacha_key, (const void *)mb->entropy, sizeof chacha_key);
    chacha_counter = 0;
    stack_overflows_at_start = JS_StackOverflowCount;
    JS_UpdateStackTop(runtime);
    JS_SetMaxStackSize(runtime, (size_t)mb->stack_limit_bytes);
    JS_SetMemoryLimit(runtime, boot_bytes + (size_t)mb->memory_limit_bytes);

    size_t code_length = mb->code_length <= mb->in_capacity ? mb->code_length : mb->in_capacity;
    size_t source_length = sizeof PROGRAM_PREFIX - 1 + code_length + sizeof PROGRAM_SUFFIX - 1;
    char *source = js_malloc(context, source_length + 1);
    if (!source) {
        finish("compile", 0, JS_GetException(context));
        return;
    }
    memcpy(source, PROGRAM_PREFIX, sizeof PROGRAM_PREFIX - 1);
    memcpy(source + sizeof PROGRAM_PREFIX - 1, (const char *)mb->in_addr, code_length);
    memcpy(source + sizeof PROGRAM_PREFIX - 1 + code_length, PROGRAM_SUFFIX, sizeof PROGRAM_SUFFIX);
    JSValue program = JS_Eval(context, source, source_length, "program.js", JS_EVAL_TYPE_GLOBAL);
    js_free(context, source);
    if (JS_IsException(program)) {
        finish("compile", 0, JS_GetException(context));
        return;
    }
    JSValue promise = JS_Call(context, program, JS_UNDEFINED, 0, NULL);
    JS_FreeValue(context, program);
    if (JS_IsException(promise)) {
        finish("run", 0, JS_GetException(context));
        return;
    }
    JSValue thrown = JS_UNDEFINED;
    int failed = run_event_loop(promise, &thrown);
    if (failed && !stop_requested()) {
        JS_FreeValue(context, promise);
        finish("run", 0, thrown);
        return;
    }
    JS_FreeValue(context, thrown);
    if (stop_requested()) {
        finish("interrupted", 0, JS_UNDEFINED);
    } else {
        switch (JS_PromiseState(context, promise)) {
        case JS_PROMISE_FULFILLED:
            finish("run", 1, JS_PromiseResult(context, promise));
            break;
        case JS_PROMISE_REJECTED:
            finish("run", 0, JS_PromiseResult(context, promise));
            break;
        default:
            finish("pending", 0, JS_UNDEFINED);
            break;
        }
    }
    JS_FreeValue(context, promise);
}
