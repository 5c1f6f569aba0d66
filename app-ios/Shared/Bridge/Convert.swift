import Foundation

/// Bridged structs (Rust strings and vectors) to the Swift models.
extension Account {
    init(_ info: AccountInfo) {
        self.init(
            pubkey: info.pubkey.toString(),
            transportPubkey: info.transport_pubkey.toString(),
            relays: Lend.strings(info.relays),
            protectedKinds: Array(info.protected_kinds),
            defaultTrust: TrustLevel(info.default_trust)
        )
    }
}

extension PairedClient {
    init(_ info: ClientInfo) {
        var overrides: [UInt16: OverrideChoice] = [:]
        let kinds = Array(info.kind_overrides)
        let decisions = Array(info.kind_decisions)
        for (kind, decision) in zip(kinds, decisions) {
            overrides[kind] = OverrideChoice(decision)
        }
        self.init(
            account: info.account.toString(),
            pubkey: info.pubkey.toString(),
            name: info.name.toString(),
            url: info.url.toString(),
            relays: Lend.strings(info.relays),
            trust: TrustLevel(info.trust),
            kindOverrides: overrides,
            pairedAt: info.paired_at,
            lastSeen: info.last_seen
        )
    }
}

extension PendingRequest {
    init(_ info: PendingInfo) {
        self.init(
            id: info.id.toString(),
            account: info.account.toString(),
            client: info.client.toString(),
            clientName: info.client_name.toString(),
            method: info.method.toString(),
            kind: info.kind,
            expiresAt: info.expires_at
        )
    }
}

extension ActivityRecord {
    init(_ info: ActivityInfo) {
        self.init(
            at: info.at,
            account: info.account.toString(),
            client: info.client.toString(),
            method: info.method.toString(),
            kind: info.kind,
            verdict: "\(info.verdict)",
            error: info.error.map { message in message.toString() }
        )
    }
}

extension ConnectOffer {
    init(uri: String, _ request: ConnectRequest) {
        self.init(
            uri: uri,
            clientPubkey: request.client_pubkey.toString(),
            name: request.name.map { text in text.toString() },
            url: request.url.map { text in text.toString() },
            relays: Lend.strings(request.relays),
            perms: Lend.strings(request.perms)
        )
    }
}
