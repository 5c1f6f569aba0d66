import Foundation

/// Paired clients and nostrconnect pairing.
extension AppModel {
    func setTrust(_ client: PairedClient, _ trust: TrustLevel) {
        change { state in try ClientBridge.setTrust(state, account: client.account, client: client.pubkey, trust: trust) }
    }

    func setKindOverride(_ client: PairedClient, kind: UInt16, choice: OverrideChoice?) {
        change { state in
            try ClientBridge.setKindOverride(state, account: client.account, client: client.pubkey, kind: kind, choice: choice)
        }
    }

    func rename(_ client: PairedClient, to name: String) {
        change { state in try ClientBridge.rename(state, account: client.account, client: client.pubkey, name: name) }
    }

    func unpair(_ client: PairedClient) {
        change { state in try ClientBridge.unpair(state, account: client.account, client: client.pubkey) }
        Task { try? await proxy.unpairClient(client.pubkey, account: client.account) }
    }

    func setRelays(_ relays: [String]) {
        guard let account = account else { return }
        change { state in try StateBridge.setRelays(state, account: account.pubkey, relays: relays) }
    }

    func setProtectedKinds(_ kinds: [UInt16]) {
        guard let account = account else { return }
        change { state in try StateBridge.setProtectedKinds(state, account: account.pubkey, kinds: kinds) }
    }

    func setDefaultTrust(_ trust: TrustLevel) {
        guard let account = account else { return }
        change { state in try StateBridge.setDefaultTrust(state, account: account.pubkey, trust: trust) }
    }

    func rotateBunkerSecret() {
        guard let account = account else { return }
        change { state in try StateBridge.rotateSecret(state, account: account.pubkey) }
    }

    /// Reads a pasted or scanned `nostrconnect://` URI for the approval sheet.
    func connectOffer(_ text: String) -> ConnectOffer? {
        do {
            return try SignerBridge.parseConnect(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            report("That is not a nostrconnect:// link: \(error)")
            return nil
        }
    }

    /// Pairs the client at `trust`, sends it the connect reply, and tells the proxy its relays.
    func approve(_ offer: ConnectOffer, trust: TrustLevel) async {
        guard let account = account else { return }
        do {
            let outcome: SignerOutcome = try store().update { current in
                guard let current = current else {
                    throw SecretStoreError.missing
                }
                let result = try vault.withSecretKey(account: account.pubkey) { key in
                    try SignerBridge.approveConnect(uri: offer.uri, account: account.pubkey, trust: trust, state: current, key: key, now: Clock.now())
                }
                return (blob: result.state, value: result)
            }
            await publish(outcome)
            try? await proxy.pairClient(offer.clientPubkey, relays: offer.relays, account: account.pubkey)
        } catch {
            report("Pairing failed: \(error)")
        }
        reload()
    }

    /// Logs an outcome and publishes its reply (foreground: a wider bound than the NSE's).
    func publish(_ outcome: SignerOutcome) async {
        if let record = outcome.activity {
            try? ActivityLog.shared().append(record)
        }
        guard let reply = outcome.replyJSON else { return }
        let sent = await ReplyPublisher().publish(eventJSON: reply, relays: outcome.replyRelays, timeout: 10)
        if !sent {
            report("No relay accepted the reply.")
        }
    }
}
