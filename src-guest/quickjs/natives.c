/*
 * The native functions runtime.js's install(native) gets from the guest (GraalJS gives the same names its own):
 * the console, host calls, randomness (random.c), the clock, and what only the engine can tell.
 */
#include <stdio.h>
#include "runtime.h"

static uint32_t stack_overflows_at_start;

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

/* host_call(requestJson) -> [ok, replyText]; oversized requests fail in hl_host_call, before any exit. */
static JSValue native_host_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t length, reply_length;
    const char *reply;
    if (!JS_IsString(argv[0])) return JS_ThrowTypeError(ctx, "host_call: the request must be a string");
    const char *request = JS_ToCStringLen(ctx, &length, argv[0]);
    if (!request) return JS_EXCEPTION;
    int status = hl_host_call(request, length, &reply, &reply_length);
    JS_FreeCString(ctx, request);
    return reply_pair(ctx, status == HL_REPLY_OK, JS_NewStringLen(ctx, reply, reply_length));
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

JSValue natives_new(JSContext *ctx) {
    JSValue natives = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, natives, native_functions, sizeof native_functions / sizeof native_functions[0]);
    return natives;
}

void natives_begin_execution(void) {
    stack_overflows_at_start = JS_StackOverflowCount;
}
