/* Runs signer-core through the no_std staticlib from C. Exit 0 only if every check passes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int clave_sign(const uint8_t sk[32], const uint8_t aux[32], const uint8_t msg[32], uint8_t sig[64]);
int clave_verify(const uint8_t pk[32], const uint8_t msg[32], const uint8_t sig[64]);

static int unhex(const char *s, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int failures = 0, passed = 0;
#define CHECK(cond, name) do { if (cond) { passed++; } else { failures++; fprintf(stderr, "FAIL: %s\n", name); } } while (0)

int main(void) {
    /* BIP-340 test vector 0 (bip-0340/test-vectors.csv). */
    uint8_t sk[32], pk[32], aux[32], msg[32], want[64], sig[64];
    unhex("0000000000000000000000000000000000000000000000000000000000000003", sk, 32);
    unhex("F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", pk, 32);
    unhex("0000000000000000000000000000000000000000000000000000000000000000", aux, 32);
    unhex("0000000000000000000000000000000000000000000000000000000000000000", msg, 32);
    unhex("E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA8215"
          "25F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0", want, 64);
    CHECK(clave_sign(sk, aux, msg, sig) == 0, "sign returns ok");
    CHECK(memcmp(sig, want, 64) == 0, "sign matches BIP-340 vector 0");
    CHECK(clave_verify(pk, msg, sig) == 0, "verify accepts vector 0");
    sig[0] ^= 1;
    CHECK(clave_verify(pk, msg, sig) != 0, "verify rejects a flipped bit");
    uint8_t zero[32] = {0};
    CHECK(clave_sign(zero, aux, msg, sig) != 0, "zero secret key rejected");

    printf("nostd-check: %d passed, %d failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
