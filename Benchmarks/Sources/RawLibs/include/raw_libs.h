#ifndef PRIVAGG_RAW_LIBS_H
#define PRIVAGG_RAW_LIBS_H
/* Raw libsodium and GMP calls, with no Swift in between: the limit PrivAgg's layers
 * are measured against. Operands are passed as decimal strings so both sides use the
 * same numbers. */
#include <stddef.h>
#include <stdint.h>

int raw_init(void);

/* ChaCha20 (original variant, 64-bit counter) keystream into buf, as libsodium makes it. */
void raw_chacha20_keystream(uint8_t *buf, size_t len, const uint8_t key[32], uint64_t counter);

/* One X25519 agreement; returns 0 on success. */
int raw_x25519(uint8_t out[32], const uint8_t secret[32], const uint8_t peer[32]);

/* A context holding base, exponent, modulus and a result for repeated GMP operations. */
typedef struct raw_gmp raw_gmp;
raw_gmp *raw_gmp_new(const char *base, const char *exponent, const char *modulus);
void raw_gmp_free(raw_gmp *context);
/* result = base^exponent mod modulus (mpz_powm) */
void raw_gmp_powm(raw_gmp *context);
/* result = base * exponent mod modulus (mpz_mul then mpz_mod) */
void raw_gmp_mulmod(raw_gmp *context);
/* the last result, written in decimal into out (capacity bytes); 0 if it fit */
int raw_gmp_result(raw_gmp *context, char *out, size_t capacity);

#endif
