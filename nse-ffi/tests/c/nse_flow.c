/* The C ABI the Swift side uses, driven from C: generate a key, build a state with one account,
 * print its bunker URI, handle the request events named on the command line in order (each
 * against the state the previous one returned), print each reply, and check two error paths.
 * Output lines: "pubkey <hex>", "uri <uri>", "reply <event json>" or "ignored <why>",
 * "relay <url>", "error-tag <n>", and "ok" at the end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SwiftBridgeCore.h"
#include "nse_ffi/nse_ffi.h"

#define S(x) __swift_bridge__$##x

static __private__FfiSlice slice(const void *p, uintptr_t n) {
    __private__FfiSlice s = {(void *)p, n};
    return s;
}

static RustStr str_of(const char *s) {
    RustStr r = {(uint8_t *)s, strlen(s)};
    return r;
}

static void print_string(const char *label, void *rust_string) {
    RustStr s = S(RustString$as_str)(rust_string);
    printf("%s %.*s\n", label, (int)s.len, (const char *)s.start);
}

static void *read_file(const char *path, uintptr_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "read %s\n", path); exit(2); }
    fclose(f);
    *len = (uintptr_t)n;
    return buf;
}

static void fail(const char *what) {
    fprintf(stderr, "FAIL: %s\n", what);
    exit(1);
}

int main(int argc, char **argv) {
    uint8_t seed[32];
    memset(seed, 0x11, sizeof seed);
    uintptr_t elen = S(entropy_len)();
    uint8_t *entropy = malloc(elen);
    if (!entropy) fail("malloc");

    /* Keys. */
    S(ResultSecretBytesAndFfiError) k = S(generate_secret_key)(slice(seed, 32));
    if (k.tag != S(ResultSecretBytesAndFfiError$ResultOk)) fail("generate_secret_key");
    void *secret = k.payload.ok;
    __private__FfiSlice sk = S(SecretBytes$bytes)(secret);
    if (sk.len != 32 || memcmp(sk.start, seed, 32) != 0) fail("secret bytes");
    S(ResultStringAndFfiError) pk = S(public_key_hex)(sk);
    if (pk.tag != S(ResultStringAndFfiError$ResultOk)) fail("public_key_hex");
    print_string("pubkey", pk.payload.ok);
    RustStr pk_str = S(RustString$as_str)(pk.payload.ok);
    char pubkey[65];
    memcpy(pubkey, pk_str.start, 64);
    pubkey[64] = 0;

    /* Error path: a bad nsec is InvalidKey. */
    S(ResultSecretBytesAndFfiError) bad = S(import_secret_key)(str_of("nsec1notakey"));
    if (bad.tag != S(ResultSecretBytesAndFfiError$ResultErr)) fail("bad nsec accepted");
    printf("error-tag %d\n", (int)bad.payload.err.tag);
    if (bad.payload.err.tag != S(FfiError$InvalidKey)) fail("bad nsec tag");

    /* State: one account on one relay. */
    void *empty = S(new_state)();
    void *relays = S(Vec_RustString$new)();
    S(Vec_RustString$push)(relays, S(RustString$new_with_str)(str_of("wss://relay.example.com")));
    uint8_t secret_entropy[16];
    memset(secret_entropy, 7, sizeof secret_entropy);
    S(Trust) medium = {S(Trust$Medium)};
    S(ResultStateBlobAndFfiError) added = S(add_account)(
        slice(S(Vec_u8$as_ptr)(empty), S(Vec_u8$len)(empty)), str_of(pubkey), relays, medium,
        slice(secret_entropy, 16));
    if (added.tag != S(ResultStateBlobAndFfiError$ResultOk)) fail("add_account");
    S(Vec_u8$_free)(empty);
    void *state = added.payload.ok.bytes;

    S(ResultStringAndFfiError) uri = S(bunker_uri)(
        slice(S(Vec_u8$as_ptr)(state), S(Vec_u8$len)(state)), str_of(pubkey));
    if (uri.tag != S(ResultStringAndFfiError$ResultOk)) fail("bunker_uri");
    print_string("uri", uri.payload.ok);
    S(RustString$_free)(uri.payload.ok);

    /* Error path: a corrupt state blob. */
    uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    S(ResultStringAndFfiError) corrupt = S(bunker_uri)(slice(junk, 8), str_of(pubkey));
    if (corrupt.tag != S(ResultStringAndFfiError$ResultErr) ||
        corrupt.payload.err.tag != S(FfiError$CorruptState)) fail("corrupt state");

    /* The NSE path: each request event against the latest state. */
    for (int i = 1; i < argc; i++) {
        uintptr_t n;
        void *event = read_file(argv[i], &n);
        memset(entropy, i, elen);
        S(ResultHandleResultAndFfiError) r = S(handle_request)(
            slice(event, n), slice(S(Vec_u8$as_ptr)(state), S(Vec_u8$len)(state)), sk,
            1700000000u, slice(entropy, elen));
        free(event);
        if (r.tag != S(ResultHandleResultAndFfiError$ResultOk)) {
            printf("error-tag %d\n", (int)r.payload.err.tag);
            fail("handle_request");
        }
        S(HandleResult) h = r.payload.ok;
        S(Vec_u8$_free)(state);
        state = h.state;
        if (h.reply.is_some) {
            print_string("reply", h.reply.val.event_json);
            uintptr_t nr = S(Vec_RustString$len)(h.reply.val.relays);
            for (uintptr_t j = 0; j < nr; j++) {
                print_string("relay", S(Vec_RustString$get)(h.reply.val.relays, j));
            }
            S(RustString$_free)(h.reply.val.event_json);
            S(Vec_RustString$drop)(h.reply.val.relays);
        } else if (h.ignored) {
            print_string("ignored", h.ignored);
            S(RustString$_free)(h.ignored);
        }
    }

    S(Vec_u8$_free)(state);
    S(RustString$_free)(pk.payload.ok);
    S(SecretBytes$_free)(secret);
    free(entropy);
    printf("ok\n");
    return 0;
}
