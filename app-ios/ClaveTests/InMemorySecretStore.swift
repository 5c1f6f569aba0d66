import Foundation
@testable import Clave

/// The Keychain's test double: same protocol, a dictionary inside, and a log of calls.
final class InMemorySecretStore: SecretStore {
    private(set) var items: [String: [UInt8]] = [:]
    private(set) var loads = 0
    var failure: SecretStoreError?

    func load(account: String) throws -> [UInt8]? {
        if let failure = failure { throw failure }
        loads += 1
        return items[account]
    }

    func save(_ secret: [UInt8], account: String) throws {
        if let failure = failure { throw failure }
        items[account] = secret
    }

    func delete(account: String) throws {
        if let failure = failure { throw failure }
        items[account] = nil
    }
}
