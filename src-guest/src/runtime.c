/*
 * The QuickJS runtime: created once at boot (that state is the snapshot every execution starts
 * from), then one program per EXECUTE entry, run as the body of an async function.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "quickjs.h"

extern const char bootstrap_js[], bootstrap_js_end[];

static JSRuntime *runtime;
static JSContext *context;
static JSValue encode_outcome; /* bootstrap's (phase, ok, value) -> outcome JSON string */
static uint64_t random_state;
/* Set when the memory limit refused an allocation during this execution: QuickJS may then be unable to
   allocate even the "out of memory" error and throw null instead. */
static int allocation_refused;

/* QuickJS's default allocator functions, plus noting refusals. */
#define MALLOC_OVERHEAD_BYTES 8
static void *limited_malloc(JSMallocState *s, size_t size) {
    if (s->malloc_size + size > s->malloc_limit) {
        allocation_refused = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (!p) {
        allocation_refused = 1;
        return NULL;
    }
    s->malloc_count++;
    s->malloc_size += malloc_usable_size(p) + MALLOC_OVERHEAD_BYTES;
    return p;
}

static void limited_free(JSMallocState *s, void *p) {
    if (!p) return;
    s->malloc_count--;
    s->malloc_size -= malloc_usable_size(p) + MALLOC_OVERHEAD_BYTES;
    free(p);
}

static void *limited_realloc(JSMallocState *s, void *p, size_t size) {
    if (!p) return size == 0 ? NULL : limited_malloc(s, size);
    size_t old = malloc_usable_size(p);
    if (size == 0) {
        limited_free(s, p);
        return NULL;
    }
    if (s->malloc_size + size - old > s->malloc_limit) {
        allocation_refused = 1;
        return NULL;
    }
    void *q = realloc(p, size);
    if (!q) {
        allocation_refused = 1;
        return NULL;
    }
    s->malloc_size += malloc_usable_size(q) - old;
    return q;
}

static size_t usable_size(const void *p) { return malloc_usable_size((void *)p); }

static const JSMallocFunctions LIMITED_ALLOCATOR = {limited_malloc, limited_free, limited_realloc, usable_size};

static const char PROGRAM_PREFIX[] = "(async function () {";
static const char PROGRAM_SUFFIX[] = "\n})";
static const char ENCODE_FAILED_OUTCOME[] =
    "{\"ok\":false,\"type\":\"RUNTIME\",\"name\":\"InternalError\",\"message\":\"the outcome could not be encoded\"}";

static int interrupt_requested(JSRuntime *rt, void *opaque) {
    (void)rt; (void)opaque;
    return hl_mailbox->cancel_requested != 0;
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

/* host_call(requestJson) -> [ok, replyText]; oversized requests fail here, before any exit. */
static JSValue native_host_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t length, reply_length;
    const char *reply;
    int status;
    const char *request = JS_ToCStringLen(ctx, &length, argv[0]);
    if (!request) return JS_EXCEPTION;
    uint32_t limit = hl_mailbox->max_request_bytes;
    if (limit > hl_mailbox->out_capacity) limit = hl_mailbox->out_capacity;
    JSValue pair = JS_NewArray(ctx);
    if (length > limit) {
        JS_FreeCString(ctx, request);
        JS_SetPropertyUint32(ctx, pair, 0, JS_FALSE);
        char message[160];
        snprintf(message, sizeof message, "tool arguments too large: %zu bytes of JSON, the limit is %u bytes",
                 length, (unsigned)limit);
        JS_SetPropertyUint32(ctx, pair, 1, JS_NewString(ctx, message));
        return pair;
    }
    status = hl_host_call(request, length, &reply, &reply_length);
    JS_FreeCString(ctx, request);
    JS_SetPropertyUint32(ctx, pair, 0, JS_NewBool(ctx, status == HL_REPLY_OK));
    JS_SetPropertyUint32(ctx, pair, 1, JS_NewStringLen(ctx, reply, reply_length));
    return pair;
}

/* xorshift64*, reseeded from the host on every execution so no two executions share a sequence. */
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

static const JSCFunctionListEntry native_functions[] = {
    JS_CFUNC_DEF("write", 2, native_write),
    JS_CFUNC_DEF("host_call", 1, native_host_call),
    JS_CFUNC_DEF("random", 0, native_random),
    JS_CFUNC_DEF("now_ms", 0, native_now_ms),
};

void runtime_boot(void) {
    runtime = JS_NewRuntime2(&LIMITED_ALLOCATOR, NULL);
    if (!runtime) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewRuntime failed");
    JS_SetCanBlock(runtime, 0);
    JS_SetInterruptHandler(runtime, interrupt_requested, NULL);
    context = JS_NewContext(runtime);
    if (!context) hl_abort(HL_ABORT_BOOT_FAILED, "JS_NewContext failed");
    JSValue install = JS_Eval(context, bootstrap_js, (size_t)(bootstrap_js_end - bootstrap_js), "bootstrap.js",
                              JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRICT);
    JSValue natives = JS_NewObject(context);
    JS_SetPropertyFunctionList(context, natives, native_functions,
                               sizeof native_functions / sizeof native_functions[0]);
    encode_outcome = JS_IsException(install) ? JS_EXCEPTION : JS_Call(context, install, JS_UNDEFINED, 1, &natives);
    if (JS_IsException(encode_outcome)) {
        JSValue error = JS_GetException(context);
        const char *message = JS_ToCString(context, error);
        hl_abort(HL_ABORT_BOOT_FAILED, message ? message : "bootstrap.js failed");
    }
    JS_FreeValue(context, natives);
    JS_FreeValue(context, install);
    JS_RunGC(runtime);
    heap_seal();
    static const char booted[] = "{\"ok\":true,\"result\":null}";
    hl_finish(booted, sizeof booted - 1);
}

/* Runs queued promise jobs until none is left or the host asks the guest to stop. */
static void drain_jobs(void) {
    JSContext *job_context;
    while (!hl_mailbox->cancel_requested && JS_ExecutePendingJob(runtime, &job_context) != 0) {
    }
}

static void finish(const char *phase, int ok, JSValue value) {
    /* the outcome must be encodable even when the program exhausted its memory; a collection would
       touch (and so dirty) every page of the heap, so it is kept for failures */
    if (!ok) JS_RunGC(runtime);
    JS_SetMemoryLimit(runtime, (size_t)-1);
    if (!ok && allocation_refused && (JS_IsNull(value) || JS_IsUndefined(value) || JS_IsException(value))) {
        phase = "out-of-memory"; /* the limit left no room even for the error object */
    }
    JSValue args[3] = {JS_NewString(context, phase), JS_NewBool(context, ok), value};
    JSValue json = JS_Call(context, encode_outcome, JS_UNDEFINED, 3, args);
    JS_FreeValue(context, args[0]);
    size_t length;
    const char *text = JS_IsException(json) ? NULL : JS_ToCStringLen(context, &length, json);
    if (!text) {
        JS_FreeValue(context, JS_GetException(context));
        hl_finish(ENCODE_FAILED_OUTCOME, sizeof ENCODE_FAILED_OUTCOME - 1);
    } else if (length > hl_mailbox->out_capacity) {
        char message[200];
        int n = snprintf(message, sizeof message,
                         "{\"ok\":false,\"type\":\"OUTPUT_LIMIT\",\"name\":\"RangeError\",\"message\":"
                         "\"the result is %zu bytes of JSON, the limit is %u bytes\"}",
                         length, (unsigned)hl_mailbox->out_capacity);
        hl_finish(message, (size_t)n);
    } else {
        hl_finish(text, length);
    }
    if (text) JS_FreeCString(context, text);
    JS_FreeValue(context, json);
    JS_FreeValue(context, value);
}

void runtime_execute(void) {
    struct hl_mailbox *mb = hl_mailbox;
    random_state = mb->rng_seed | 1;
    allocation_refused = 0;
    JS_UpdateStackTop(runtime);
    JS_SetMaxStackSize(runtime, (size_t)mb->stack_limit_bytes);
    JS_SetMemoryLimit(runtime, (size_t)mb->memory_limit_bytes);

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
    if (mb->cancel_requested) {
        finish("interrupted", 0, JS_UNDEFINED);
        JS_FreeValue(context, promise);
        return;
    }
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
    JS_FreeValue(context, promise);
}
