/* C prototypes of nostd-check's shims over signer-core (see src/lib.rs). */
#ifndef CLAVE_CHECK_H
#define CLAVE_CHECK_H
#include <stddef.h>
#include <stdint.h>

int clave_sign(const uint8_t sk[32], const uint8_t aux[32], const uint8_t msg[32], uint8_t sig[64]);
int clave_verify(const uint8_t pk[32], const uint8_t msg[32], const uint8_t sig[64]);
int clave_nip44_conversation_key(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32]);
int64_t clave_nip44_encrypt(const uint8_t ck[32], const uint8_t nonce[32], const uint8_t *pt, size_t pt_len,
                            uint8_t *out, size_t out_cap);
int64_t clave_nip44_decrypt(const uint8_t ck[32], const uint8_t *payload, size_t payload_len, uint8_t *out,
                            size_t out_cap);
int64_t clave_nip04_decrypt(const uint8_t sk[32], const uint8_t pk[32], const uint8_t *payload, size_t payload_len,
                            uint8_t *out, size_t out_cap);
int clave_event_verify(const uint8_t *json, size_t len);
int64_t clave_event_sign(const uint8_t sk[32], const uint8_t aux[32], const uint8_t *json, size_t len, uint8_t *out,
                         size_t out_cap);
int64_t clave_npub(const uint8_t pk[32], uint8_t *out, size_t out_cap);
int clave_nip98_verify(const uint8_t *header, size_t header_len, const uint8_t *url, size_t url_len,
                       const uint8_t *method, size_t method_len, const uint8_t *body, size_t body_len, uint64_t now);
int clave_nostrconnect_relays(const uint8_t *uri, size_t len);
#endif
