import Foundation
import Security

/// Where secret keys live, one item per account (its public key, hex).
/// The app and the NSE use `KeychainSecretStore`; the tests use an in-memory double.
protocol SecretStore {
    /// The stored bytes, or nil when there are none. The caller zeroes them after use.
    func load(account: String) throws -> [UInt8]?
    func save(_ secret: [UInt8], account: String) throws
    func delete(account: String) throws
}

enum SecretStoreError: Error, Equatable {
    case keychain(OSStatus)
    case missing
    case badLength(Int)
}

/// Generic-password items readable after the first unlock (so the NSE can sign while the phone
/// is locked), on this device only, never synchronised, in the access group shared with the NSE.
struct KeychainSecretStore: SecretStore {
    var service = AppConstants.keychainService
    var accessGroup = AppConstants.keychainAccessGroup

    private func baseQuery(account: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
            kSecAttrAccessGroup as String: accessGroup,
            kSecAttrSynchronizable as String: false,
        ]
    }

    func load(account: String) throws -> [UInt8]? {
        var query = baseQuery(account: account)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecItemNotFound {
            return nil
        }
        guard status == errSecSuccess, let data = item as? Data else {
            throw SecretStoreError.keychain(status)
        }
        return [UInt8](data)
    }

    func save(_ secret: [UInt8], account: String) throws {
        try delete(account: account)
        var query = baseQuery(account: account)
        query[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        // Lend our buffer to the Keychain instead of copying it into a Data we cannot wipe.
        let status: OSStatus = secret.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return errSecParam }
            query[kSecValueData as String] = Data(
                bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                count: raw.count,
                deallocator: .none
            )
            return SecItemAdd(query as CFDictionary, nil)
        }
        guard status == errSecSuccess else {
            throw SecretStoreError.keychain(status)
        }
    }

    func delete(account: String) throws {
        let status = SecItemDelete(baseQuery(account: account) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw SecretStoreError.keychain(status)
        }
    }
}
