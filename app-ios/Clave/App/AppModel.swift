import Foundation
import SwiftUI

/// What the screens show, reloaded from the App Group (the NSE changes it behind our back).
@MainActor
final class AppModel: ObservableObject {
    static let shared = AppModel()

    @Published private(set) var account: Account?
    @Published private(set) var bunkerURI = ""
    @Published private(set) var clients: [PairedClient] = []
    @Published private(set) var pending: [PendingRequest] = []
    @Published private(set) var activity: [ActivityRecord] = []
    @Published var message: String?

    let vault = KeyVault()
    let settings = AppSettings()
    var deviceToken: String?

    func store() throws -> StateStore {
        try StateStore.shared()
    }

    func reload() {
        do {
            let state = try store().load()
            guard let state = state, let first = try StateBridge.accounts(state).first else {
                account = nil
                return
            }
            account = first
            bunkerURI = try StateBridge.bunkerURI(state, account: first.pubkey)
            clients = try ClientBridge.clients(state, account: first.pubkey)
            pending = try StateBridge.pending(state)
            activity = (try? ActivityLog.shared().records()) ?? []
            try? HeldStore.shared().prune(keeping: Set(pending.map { $0.id }))
        } catch {
            report("Could not read the signer state: \(error)")
        }
    }

    /// Applies a state change (under the cross-process lock) and refreshes the screens.
    func change(_ transform: ([UInt8]) throws -> [UInt8]) {
        do {
            _ = try store().update { current in
                guard let current = current else {
                    throw SecretStoreError.missing
                }
                return (blob: try transform(current), value: true)
            }
        } catch {
            report("\(error)")
        }
        reload()
    }

    func report(_ text: String) {
        message = text
    }
}
