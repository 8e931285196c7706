/*
 * The QuickJS runtime: created once at boot (that state is the snapshot every execution starts
 * from), then one program per EXECUTE entry, run as the body of an async function. The platform
 * (src-guest/platform) calls runtime_boot and runtime_execute; memory.c, natives.c and random.c
 * give QuickJS its allocator and runtime.js its natives.
 */
#include <stdio.h>
#include <string.h>
#include "runtime.h"

extern const uint8_t runtime_bytecode[], runtime_bytecode_end[], intl_bytecode[], intl_bytecode_end[];

static JSRuntime *runtime;
static JSContext *context;
static JSValue encode_outcome; /* runtime.js's (phase, ok, value) -> outcome JSON string */
static JSValue tick; /* runtime.js's event-loop step: runs a due timer (0), or the ms to the next one, or -1 */
static JSValue forget_pending; /* runtime.js's: drops what an earlier execution left pending (a session's memory) */
static size_t boot_bytes; /* what the booted runtime holds (runtime.js, Intl's data): not the program's to spend */
static JSValue shapes;    /* objects made at boot so that their shapes stay where they were made (runtime_boot) */

static const char PROGRAM_PREFIX[] = "(async function () {";
static const char PROGRAM_SUFFIX[] = "\n})";
/* Outcomes that need no allocation (hostabi.h). */
static const char INTERRUPTED_OUTCOME[] = HL_OUTCOME_INTERRUPTED;
static const char ENCODE_FAILED_OUTCOME[] = HL_OUTCOME_ENCODE_FAILED;

static int stop_requested(void) { return hl_mailbox->cancel_requested != 0; }

static int interrupt_requested(JSRuntime *rt, void *opaque) {
    (void)rt; (void)opaque;
    return stop_requested();
}

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
    JSValue natives = natives_new(context);
    /* everything runtime.js would make on first use is made now, into the snapshot every execution starts from */
    JS_SetPropertyStr(context, natives, "eager", JS_TRUE);
    JSValue hooks = JS_IsException(install) ? JS_EXCEPTION : JS_Call(context, install, JS_UNDEFINED, 1, &natives);
    encode_outcome = JS_IsException(hooks) ? JS_EXCEPTION : JS_GetPropertyStr(context, hooks, "encode");
    tick = JS_IsException(hooks) ? JS_EXCEPTION : JS_GetPropertyStr(context, hooks, "tick");
    forget_pending = JS_IsException(hooks) ? JS_EXCEPTION : JS_GetPropertyStr(context, hooks, "forgetPending");
    JS_FreeValue(context, hooks);
    if (JS_IsException(encode_outcome) || !JS_IsFunction(context, encode_outcome) || !JS_IsFunction(context, tick)
        || !JS_IsFunction(context, forget_pending)) {
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
    static const char booted[] = HL_OUTCOME_BOOTED;
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
        int n = snprintf(message, sizeof message, HL_OUTCOME_RESULT_TOO_LARGE, length, (unsigned)hl_mailbox->out_capacity);
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
    random_reseed(mb);
    natives_begin_execution();
    JS_UpdateStackTop(runtime);
    JS_SetMaxStackSize(runtime, (size_t)mb->stack_limit_bytes);
    JS_SetMemoryLimit(runtime, boot_bytes + (size_t)mb->memory_limit_bytes);
    /* restored memory has nothing pending; a session's memory may (its earlier program's timers), which end with it */
    JS_FreeValue(context, JS_Call(context, forget_pending, JS_UNDEFINED, 0, NULL));

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