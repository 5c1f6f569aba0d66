import Foundation

/// Accounts, clients and held requests in the state blob. Functions that change the state take
/// the current blob and return the next one; on a thrown error nothing changed.
enum StateBridge {
    static func newState() -> [UInt8] {
        Lend.bytes(new_state())
    }

    static func addAccount(_ state: [UInt8], pubkey: String, relays: [String], trust: TrustLevel) throws -> [UInt8] {
        let entropy = try Entropy.bytes(16)
        let next: StateBlob = try Lend.two(state, entropy) { blob, random in
            try add_account(blob, pubkey, Lend.rustStrings(relays), trust.bridged, random)
        }
        return Lend.bytes(next.bytes)
    }

    static func removeAccount(_ state: [UInt8], pubkey: String) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in try remove_account(blob, pubkey) }
        return Lend.bytes(next.bytes)
    }

    static func accounts(_ state: [UInt8]) throws -> [Account] {
        let list: AccountList = try state.withUnsafeBufferPointer { blob in try list_accounts(blob) }
        var out: [Account] = []
        for index in 0..<list.len() {
            if let info = list.get(index) {
                out.append(Account(info))
            }
        }
        return out
    }

    /// The account a push addresses (pushes name the transport key).
    static func account(_ state: [UInt8], transport: String) throws -> Account {
        guard let account = try accounts(state).first(where: { $0.transportPubkey == transport }) else {
            throw FfiError.NotFound(RustString("account"))
        }
        return account
    }

    static func bunkerURI(_ state: [UInt8], account: String) throws -> String {
        let uri: RustString = try state.withUnsafeBufferPointer { blob in try bunker_uri(blob, account) }
        return uri.toString()
    }

    static func rotateSecret(_ state: [UInt8], account: String) throws -> [UInt8] {
        let entropy = try Entropy.bytes(16)
        let next: StateBlob = try Lend.two(state, entropy) { blob, random in
            try rotate_bunker_secret(blob, account, random)
        }
        return Lend.bytes(next.bytes)
    }

    static func setRelays(_ state: [UInt8], account: String, relays: [String]) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try set_relays(blob, account, Lend.rustStrings(relays))
        }
        return Lend.bytes(next.bytes)
    }

    static func setProtectedKinds(_ state: [UInt8], account: String, kinds: [UInt16]) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try set_protected_kinds(blob, account, Lend.rustKinds(kinds))
        }
        return Lend.bytes(next.bytes)
    }

    static func setDefaultTrust(_ state: [UInt8], account: String, trust: TrustLevel) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try set_default_trust(blob, account, trust.bridged)
        }
        return Lend.bytes(next.bytes)
    }

    static func pending(_ state: [UInt8]) throws -> [PendingRequest] {
        let list: PendingList = try state.withUnsafeBufferPointer { blob in try list_pending(blob) }
        var out: [PendingRequest] = []
        for index in 0..<list.len() {
            if let info = list.get(index) {
                out.append(PendingRequest(info))
            }
        }
        return out
    }

    /// When `expire_pending` next has work (unix seconds), if anything is held.
    static func nextExpiry(_ state: [UInt8]) throws -> UInt64? {
        let list: PendingList = try state.withUnsafeBufferPointer { blob in try list_pending(blob) }
        return list.next_expiry()
    }
}
