import Foundation

/// Key operations in nse-ffi. Secret bytes returned here belong to the caller, who zeroes them.
enum KeyBridge {
    /// A new secret key from 32 bytes of system randomness (retried in the ~2^-128 case that
    /// they are not a valid scalar).
    static func generate() throws -> [UInt8] {
        for _ in 0..<4 {
            var seed = try Entropy.bytes(KeyVault.keyLength)
            defer { Zeroizer.wipe(&seed) }
            do {
                let secret: SecretBytes = try seed.withUnsafeBufferPointer { buffer in
                    try generate_secret_key(buffer)
                }
                return Lend.secret(secret)
            } catch FfiError.InvalidKey {
                continue
            }
        }
        throw FfiError.InvalidKey
    }

    /// An `nsec1…` or 64-hex-character key typed or pasted by the user.
    static func importKey(_ text: String) throws -> [UInt8] {
        let secret: SecretBytes = try import_secret_key(text.trimmingCharacters(in: .whitespacesAndNewlines))
        return Lend.secret(secret)
    }

    /// The `nsec1…` text of a key, for the export screen (the caller zeroes it).
    static func exportNsec(_ key: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        let secret: SecretBytes = try export_nsec(key)
        return Lend.secret(secret)
    }

    static func publicKeyHex(_ key: UnsafeBufferPointer<UInt8>) throws -> String {
        let hex: RustString = try public_key_hex(key)
        return hex.toString()
    }

    static func npub(hex: String) throws -> String {
        let npub: RustString = try npub_from_hex(hex)
        return npub.toString()
    }

    /// `Nostr <base64>` NIP-98 authorization for one request, to send as `X-Clave-Auth`.
    static func nip98(key: UnsafeBufferPointer<UInt8>, url: String, method: String, body: [UInt8], now: UInt64) throws -> String {
        let aux = try Entropy.bytes(32)
        let header: RustString = try Lend.two(body, aux) { payload, randomness in
            try nip98_header(key, url, method, payload, now, randomness)
        }
        return header.toString()
    }
}
