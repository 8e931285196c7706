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
static uint64_t random_state;
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
};

void runtime_boot(void) {
    runtime = JS_NewRuntime2(&LIMITED_ALLOCATOR, NULL);
    if (!runtime) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewRuntime failed");
    JS_SetCanBlock(runtime, 0);
    JS_SetInterruptHandler(runtime, interrupt_requested, NULL);
    context = JS_NewContext(runtime);
    if (!context) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewContext failed");
    /* runtime.js and the Intl bundle, compiled at build time (tools/compile-runtime.c). runtime.js is read first,
       so that its functions and strings, which every execution touches (reference counts), lie together at the
       start of the heap; then the bundle is read and run (the megabytes of Intl's data); then runtime.js runs, its
       closures together again, and yields install(native). Read the other way round, the strings runtime.js shares
       with FormatJS would lie among the bundle's and each execution would write some pages more. */
    /* The shapes of the objects every execution makes (an async function and its promise, closures, arrays,
       arguments) are made first and kept, so that they lie at the start of the heap with the other things each
       execution touches, rather than among Intl's data, where FormatJS would first have made them. */
    static const char shapes_js[] = "(async function f(a, b) { const o = { x: 1 }; const c = () => o; await null; "
                                    "return [o, [1], c, function g() {}, a, b, arguments]; })(1, 2)";
    shapes = JS_Eval(context, shapes_js, sizeof shapes_js - 1, "boot.js", JS_EVAL_TYPE_GLOBAL);
    for (JSContext *job_context; JS_ExecutePendingJob(runtime, &job_context) > 0;) {}
    if (JS_IsException(shapes)) hl_abort(HL_ABORT_BOOT_FAILED, "the boot shapes failed");
    JSValue compiled = JS_ReadObject(context, runtime_bytecode, (size_t)(runtime_bytecode_end - runtime_bytecode),
                                     JS_READ_OBJ_BYTECODE);
    JSValue intl = JS_IsException(compiled) ? JS_EXCEPTION
        : JS_ReadObject(context, intl_bytecode, (size_t)(intl_bytecode_end - intl_bytecode), JS_READ_OBJ_BYTECODE);
    JSValue intl_done = JS_IsException(intl) ? JS_EXCEPTION : JS_EvalFunction(context, intl);
    JSValue install = JS_IsException(intl_done) ? JS_EXCEPTION : JS_EvalFunction(context, compiled);
    JS_FreeValue(context, intl_done);
    JSValue natives = JS_NewObject(context);
    JS_SetPropertyFunctionList(context, natives, native_functions, sizeof native_functions / sizeof native_functions[0]);
    encode_outcome = JS_IsException(install) ? JS_EXCEPTION : JS_Call(context, install, JS_UNDEFINED, 1, &natives);
    if (JS_IsException(encode_outcome)) {
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
    drain_jobs();
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
