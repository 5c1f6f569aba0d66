import Foundation

/// Hands out a secret key for the length of one call and wipes it afterwards.
struct KeyVault {
    static let keyLength = 32

    let backend: SecretStore

    init(backend: SecretStore = KeychainSecretStore()) {
        self.backend = backend
    }

    /// Runs `body` with the 32-byte key of `account`, read from the store for this call only;
    /// the bytes are zeroed when `body` returns or throws.
    func withSecretKey<T>(account: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard var key = try backend.load(account: account) else {
            throw SecretStoreError.missing
        }
        defer { Zeroizer.wipe(&key) }
        guard key.count == KeyVault.keyLength else {
            throw SecretStoreError.badLength(key.count)
        }
        return try key.withUnsafeBufferPointer { buffer in
            try body(buffer)
        }
    }

    /// Stores a 32-byte key under `account`; the caller still owns (and zeroes) `secretKey`.
    func store(secretKey: [UInt8], account: String) throws {
        guard secretKey.count == KeyVault.keyLength else {
            throw SecretStoreError.badLength(secretKey.count)
        }
        try backend.save(secretKey, account: account)
    }

    func remove(account: String) throws {
        try backend.delete(account: account)
    }

    func hasKey(account: String) -> Bool {
        guard var key = try? backend.load(account: account) else {
            return false
        }
        Zeroizer.wipe(&key)
        return true
    }
}
