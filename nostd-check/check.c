/* Runs signer-core through the no_std staticlib from C. Exit 0 only if every check passes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clave_check.h"

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

    /* NIP-44 v2 encrypt_decrypt vector 0 (nip44.vectors.json). */
    uint8_t s1[32], s2[32], p2[32], ck[32], want_ck[32], nonce[32];
    unhex("0000000000000000000000000000000000000000000000000000000000000001", s1, 32);
    unhex("0000000000000000000000000000000000000000000000000000000000000002", s2, 32);
    unhex("c41c775356fd92eadc63ff5a0dc1da211b268cbea22316767095b2871ea1412d", want_ck, 32);
    unhex("0000000000000000000000000000000000000000000000000000000000000001", nonce, 32);
    uint8_t npub[80];
    CHECK(clave_npub(pk, npub, 10) < 0, "npub into a short buffer is an error, not an overflow");
    CHECK(clave_npub(pk, npub, sizeof npub) == 63 && memcmp(npub, "npub1", 5) == 0, "npub encodes");
    static const char payload[] = "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABee0G5VSK0/9YypIObAtDKfYEAjD35uVkHyB0F4DwrcNaCXlCWZKaArsGrY6M9wnuTMxWfp1RTN9Xga8no+kF5Vsb";
    static const char plaintext[] = "a";
    uint8_t buf[1024];
    /* conversation key from sec1 and the x-only pubkey of sec2 (BIP-340 vector style: pk of 2). */
    unhex("c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5", p2, 32);
    CHECK(clave_nip44_conversation_key(s1, p2, ck) == 0, "nip44 conversation key ok");
    CHECK(memcmp(ck, want_ck, 32) == 0, "nip44 conversation key matches the vector");
    int64_t n = clave_nip44_encrypt(ck, nonce, (const uint8_t *)plaintext, strlen(plaintext), buf, sizeof buf);
    CHECK(n == (int64_t)strlen(payload) && memcmp(buf, payload, (size_t)n) == 0, "nip44 encrypt matches the vector");
    n = clave_nip44_decrypt(ck, (const uint8_t *)payload, strlen(payload), buf, sizeof buf);
    CHECK(n == (int64_t)strlen(plaintext) && memcmp(buf, plaintext, (size_t)n) == 0, "nip44 decrypt matches the vector");
    char bad[sizeof payload];
    memcpy(bad, payload, sizeof payload);
    bad[60] = bad[60] == 'A' ? 'B' : 'A';
    CHECK(clave_nip44_decrypt(ck, (const uint8_t *)bad, strlen(bad), buf, sizeof buf) < 0, "nip44 rejects a tampered payload");

    /* NIP-04 (nip04.json valid[0]). */
    uint8_t rsk[32], spk[32];
    unhex("96f6fa197aa07477ab88f6981118466ae3a982faab8ad5db9d5426870c73d220", rsk, 32);
    unhex("b38ce15d3d9874ee710dfabb7ff9801b1e0e20aace6e9a1a05fa7482a04387d1", spk, 32);
    static const char n04ct[] = "zJxfaJ32rN5Dg1ODjOlEew==?iv=EV5bUjcc4OX2Km/zPp4ndQ==";
    n = clave_nip04_decrypt(rsk, spk, (const uint8_t *)n04ct, strlen(n04ct), buf, sizeof buf);
    CHECK(n == (int64_t)strlen("nanana") && memcmp(buf, "nanana", (size_t)n) == 0, "nip04 decrypt matches the vector");

    /* NIP-01 events (nip01-events.json valid[0] / invalid[0]). */
    static const char valid_ev[] = "{\"id\": \"2be17aa3031bdcb006f0fce80c146dea9c1c0268b0af2398bb673365c6444d45\", \"pubkey\": \"f86c44a2de95d9149b51c6a29afeabba264c18e2fa7c49de93424a0c56947785\", \"created_at\": 1640839235, \"kind\": 4, \"tags\": [[\"p\", \"13adc511de7e1cfcf1c6b7f6365fb5a03442d7bcacf565ea57fa7770912c023d\"]], \"content\": \"uRuvYr585B80L6rSJiHocw==?iv=oh6LVqdsYYol3JfFnXTbPA==\", \"sig\": \"a5d9290ef9659083c490b303eb7ee41356d8778ff19f2f91776c8dc4443388a64ffcf336e61af4c25c05ac3ae952d1ced889ed655b67790891222aaa15b99fdd\"}";
    static const char invalid_ev[] = "{\"id\": \"cb8feca582979d91fe90455867b34dbf4d65e4b86e86b3c68c368ca9f9eef6f2\", \"pubkey\": \"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\", \"created_at\": 1707409439, \"kind\": 1, \"tags\": [[\"-\"]], \"content\": \"hello members of the secret group\", \"sig\": \"fa163f5cfb75d77d9b6269011872ee22b34fb48d23251e9879bb1e4ccbdd8aaaf4b6dc5f5084a65ef42c52fbcde8f3178bac3ba207de827ec513a6aa39fa684c\"}";
    CHECK(clave_event_verify((const uint8_t *)valid_ev, strlen(valid_ev)) == 0, "valid event verifies");
    CHECK(clave_event_verify((const uint8_t *)invalid_ev, strlen(invalid_ev)) != 0, "event with a wrong id is rejected");
    static const char tmpl[] = "{\"kind\":1,\"created_at\":1700000000,\"tags\":[[\"t\",\"c\"]],\"content\":\"from C \\u00e9\\n\"}";
    n = clave_event_sign(sk, aux, (const uint8_t *)tmpl, strlen(tmpl), buf, sizeof buf);
    CHECK(n > 0 && clave_event_verify(buf, (size_t)n) == 0, "event signed from C verifies");

    /* NIP-98 (nip98.json cases[1], nostr-tools token). */
    static const char hdr[] = "Nostr eyJraW5kIjoyNzIzNSwidGFncyI6W1sidSIsImh0dHA6Ly8xMjcuMC4wLjE6ODA4MC9hcGkvdjEvdXBsb2FkP3g9MSZ5PSVDMyVBOSJdLFsibWV0aG9kIiwicG9zdCJdLFsicGF5bG9hZCIsIjUzZmFjNzE0OTA4MjIwYmJkM2I3YjA4YTAyMTQzODU3Mjc1ZTI3NzViNzM3NDVlODVjY2ZjMjQ0OTk1YTE4ODMiXV0sImNyZWF0ZWRfYXQiOjE3MDAwMDAwMDAsImNvbnRlbnQiOiIiLCJwdWJrZXkiOiI3ZTdlOWM0MmE5MWJmZWYxOWZhOTI5ZTVmZGExYjcyZTBlYmMxYTRjMTE0MTY3M2UyNzk0MjM0ZDg2YWRkZjRlIiwiaWQiOiI3ZjAxYzA5NGExZGQ5ZDA0MzgxZjQ0MmNkYjQwYjQ1MDQ0M2U4NWZiM2M2ZmUyYzJiZmI5NGJmMmU3OGI1NDQzIiwic2lnIjoiMTAxM2ZjMTM1YmVjNzFlZTcwYjk5ZDM4NDI2ZjdmMjJmZWMzMTg2YTQ0YWZmNWJkMGNhZWZhOWY5YWVhOGFhNDEwOTU4Y2FjOGRjNmQ5Mjg3ODdjN2M4NGYwNTVhYTc0NzMxMmMwYWNlZmM2NzI1ODRhZjc1ZGY3MTRmODYwMDIifQ==";
    static const char url[] = "http://127.0.0.1:8080/api/v1/upload?x=1&y=%C3%A9";
    static const char body[] = "{\"test\":\"payload\",\"n\":1}";
    CHECK(clave_nip98_verify((const uint8_t *)hdr, strlen(hdr), (const uint8_t *)url, strlen(url),
                             (const uint8_t *)"POST", 4, (const uint8_t *)body, strlen(body), 1700000000) == 0,
          "nip98 token verifies");
    CHECK(clave_nip98_verify((const uint8_t *)hdr, strlen(hdr), (const uint8_t *)url, strlen(url),
                             (const uint8_t *)"POST", 4, (const uint8_t *)body, strlen(body), 1700000000 + 61) != 0,
          "nip98 token is stale 61 s later");

    /* NIP-46 nostrconnect URI (nip46.json uris[0]): two relays; a Low-trust client seeded with its
       perms may sign the requested kind 13. */
    static const char nc[] = "nostrconnect://83f3b2ae6aa368e8275397b9c26cf550101d63ebaab900d19dd4a4429f5ad8f5?relay=wss%3A%2F%2Frelay1.example.com&perms=nip44_encrypt%2Cnip44_decrypt%2Csign_event%3A13%2Csign_event%3A14%2Csign_event%3A1059&name=My+Client&secret=0s8j2djs&relay=wss%3A%2F%2Frelay2.example2.com";
    CHECK(clave_nostrconnect_relays((const uint8_t *)nc, strlen(nc)) == 2, "nostrconnect URI: 2 relays, requested kind allowed");
    CHECK(clave_nostrconnect_relays((const uint8_t *)"nostrconnect://zz", 17) < 0, "bad nostrconnect URI rejected");

    printf("nostd-check: %d passed, %d failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
