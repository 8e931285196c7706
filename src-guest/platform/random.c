/*
 * Random bytes for every runtime (crypto.getRandomValues, os.urandom): ChaCha20 keyed with the 32 bytes of entropy
 * the host puts in the mailbox for every entry (from its CSPRNG), so the bytes are as unpredictable as the host's and
 * no execution's tell another's.
 */
#include <string.h>
#include "guest.h"

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QUARTER(a, b, c, d) (a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
                             a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))
static uint64_t keyed_at_entry; /* the tsc_at_entry the key was taken at: each entry (a new execution) rekeys */
static uint32_t chacha_key[8], chacha_counter;

static void chacha20_block(uint8_t out[64]) {
    if (keyed_at_entry != hl_mailbox->tsc_at_entry) {
        memcpy(chacha_key, (const void *)hl_mailbox->entropy, sizeof chacha_key);
        chacha_counter = 0;
        keyed_at_entry = hl_mailbox->tsc_at_entry;
    }
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

void hl_random_bytes(void *buf, size_t length) {
    uint8_t block[64];
    for (size_t done = 0; done < length; done += sizeof block) {
        chacha20_block(block);
        memcpy((uint8_t *)buf + done, block, length - done < sizeof block ? length - done : sizeof block);
    }
    memset(block, 0, sizeof block);
}
