/*
 * The randomness programs see, fresh for every execution from what the host puts in the mailbox (from its CSPRNG),
 * so no execution can predict another's: Math.random and crypto.getRandomValues.
 */
#include <string.h>
#include "runtime.h"

static uint64_t random_state;

void random_reseed(const struct hl_mailbox *mailbox) {
    random_state = mailbox->rng_seed | 1;
}

/* Math.random: xorshift64*, seeded by the host for every execution. */
JSValue native_random(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)ctx; (void)this_val; (void)argc; (void)argv;
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    uint64_t bits = (random_state * 0x2545F4914F6CDD1DULL) >> 11;
    return JS_NewFloat64(ctx, (double)bits / 9007199254740992.0);
}

/* crypto.getRandomValues: the platform's bytes (platform/random.c), keyed afresh for every execution. */
/* random_fill(uint8Array): fills the array's bytes in place. */
JSValue native_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t offset, length, element_size, buffer_size;
    JSValue buffer = JS_GetTypedArrayBuffer(ctx, argv[0], &offset, &length, &element_size);
    if (JS_IsException(buffer)) return JS_EXCEPTION;
    uint8_t *bytes = JS_GetArrayBuffer(ctx, &buffer_size, buffer);
    JS_FreeValue(ctx, buffer);
    if (!bytes || offset > buffer_size || length > buffer_size - offset) return JS_ThrowTypeError(ctx, "random_fill: no bytes");
    hl_random_bytes(bytes + offset, length);
    return JS_UNDEFINED;
}
