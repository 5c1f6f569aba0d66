import Foundation

/// Creating, importing, exporting and deleting the key.
extension AppModel {
    static let defaultRelays = ["wss://relay.damus.io", "wss://nos.lol"]

    func generateKey() {
        do {
            var key = try KeyBridge.generate()
            defer { Zeroizer.wipe(&key) }
            try adopt(key)
        } catch {
            report("Could not create a key: \(error)")
        }
    }

    func importKey(_ text: String) {
        do {
            var key = try KeyBridge.importKey(text)
            defer { Zeroizer.wipe(&key) }
            try adopt(key)
        } catch {
            report("That is not a valid nsec or hex key.")
        }
    }

    /// Stores the key in the Keychain and creates its account in the state.
    private func adopt(_ key: [UInt8]) throws {
        let pubkey = try key.withUnsafeBufferPointer { buffer in try KeyBridge.publicKeyHex(buffer) }
        try vault.store(secretKey: key, account: pubkey)
        _ = try store().update { current in
            let state = current ?? StateBridge.newState()
            let next = try StateBridge.addAccount(state, pubkey: pubkey, relays: AppModel.defaultRelays, trust: .medium)
            return (blob: next, value: true)
        }
        reload()
        Task { await registerDevice() }
    }

    /// The nsec text for the export screen. The caller shows it once and drops it.
    func exportNsec() -> String? {
        guard let account = account else { return nil }
        do {
            var nsec = try vault.withSecretKey(account: account.pubkey) { key in
                try KeyBridge.exportNsec(key)
            }
            defer { Zeroizer.wipe(&nsec) }
            return String(decoding: nsec, as: UTF8.self)
        } catch {
            report("Could not read the key: \(error)")
            return nil
        }
    }

    func deleteAccount() {
        guard let account = account else { return }
        change { state in try StateBridge.removeAccount(state, pubkey: account.pubkey) }
        try? vault.remove(account: account.pubkey)
        settings.registeredToken = nil
        reload()
    }
}
