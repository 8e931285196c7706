/*
 * The randomness programs see, fresh for every execution from what the host puts in the mailbox (from its CSPRNG),
 * so no execution can predict another's: Math.random and crypto.getRandomValues.
 */
#include <string.h>
#include "runtime.h"

static uint64_t random_state;
static uint32_t chacha_key[8], chacha_counter;

void random_reseed(const struct hl_mailbox *mailbox) {
    random_state = mailbox->rng_seed | 1;
    memcpy(chacha_key, (const void *)mailbox->entropy, sizeof chacha_key);
    chacha_counter = 0;
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

/*
 * crypto.getRandomValues: ChaCha20 keyed with the 32 bytes of entropy the host puts in the mailbox for every
 * execution, so the bytes are as unpredictable as the host's, and no execution's tell another's.
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
JSValue native_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
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
