import Foundation

/// Paired clients of one account: list, trust, per-kind overrides, rename, unpair.
enum ClientBridge {
    static func clients(_ state: [UInt8], account: String) throws -> [PairedClient] {
        let list: ClientList = try state.withUnsafeBufferPointer { blob in try list_clients(blob, account) }
        var out: [PairedClient] = []
        for index in 0..<list.len() {
            if let info = list.get(index) {
                out.append(PairedClient(info))
            }
        }
        return out
    }

    static func setTrust(_ state: [UInt8], account: String, client: String, trust: TrustLevel) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try set_client_trust(blob, account, client, trust.bridged)
        }
        return Lend.bytes(next.bytes)
    }

    /// Sets (or, with nil, clears) the override for one event kind.
    static func setKindOverride(_ state: [UInt8], account: String, client: String, kind: UInt16, choice: OverrideChoice?) throws -> [UInt8] {
        let decision: Decision? = choice.map { value in value.bridged }
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try set_kind_override(blob, account, client, kind, decision)
        }
        return Lend.bytes(next.bytes)
    }

    static func rename(_ state: [UInt8], account: String, client: String, name: String) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try rename_client(blob, account, client, name)
        }
        return Lend.bytes(next.bytes)
    }

    static func unpair(_ state: [UInt8], account: String, client: String) throws -> [UInt8] {
        let next: StateBlob = try state.withUnsafeBufferPointer { blob in
            try unpair_client(blob, account, client)
        }
        return Lend.bytes(next.bytes)
    }
}
