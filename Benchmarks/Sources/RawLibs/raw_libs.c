#include "raw_libs.h"

#include <gmp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int raw_init(void) { return sodium_init(); }

void raw_chacha20_keystream(uint8_t *buf, size_t len, const uint8_t key[32], uint64_t counter) {
    static const uint8_t nonce[8] = {0};
    memset(buf, 0, len);
    crypto_stream_chacha20_xor_ic(buf, buf, len, nonce, counter, key);
}

int raw_x25519(uint8_t out[32], const uint8_t secret[32], const uint8_t peer[32]) {
    return crypto_scalarmult(out, secret, peer);
}

struct raw_gmp { mpz_t base, exponent, modulus, result; };

raw_gmp *raw_gmp_new(const char *base, const char *exponent, const char *modulus) {
    raw_gmp *context = malloc(sizeof *context);
    if (!context) return NULL;
    mpz_init_set_str(context->base, base, 10);
    mpz_init_set_str(context->exponent, exponent, 10);
    mpz_init_set_str(context->modulus, modulus, 10);
    mpz_init(context->result);
    return context;
}

void raw_gmp_free(raw_gmp *context) {
    mpz_clears(context->base, context->exponent, context->modulus, context->result, NULL);
    free(context);
}

void raw_gmp_powm(raw_gmp *context) {
    mpz_powm(context->result, context->base, context->exponent, context->modulus);
}

void raw_gmp_mulmod(raw_gmp *context) {
    mpz_mul(context->result, context->base, context->exponent);
    mpz_mod(context->result, context->result, context->modulus);
}

int raw_gmp_result(raw_gmp *context, char *out, size_t capacity) {
    if (mpz_sizeinbase(context->result, 10) + 2 > capacity) return -1;
    mpz_get_str(out, 10, context->result);
    return 0;
}
