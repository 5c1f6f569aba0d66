import Foundation

/// Deciding held requests, from the inbox or from a notification's Approve / Deny action.
extension AppModel {
    func decide(_ id: String, approve: Bool) async {
        reload()
        guard let request = pending.first(where: { $0.id == id }) else {
            report("That request was already answered or has expired.")
            return
        }
        let held = try? HeldStore.shared()
        do {
            let outcome: SignerOutcome = try store().update { current in
                guard let current = current else {
                    throw SecretStoreError.missing
                }
                let result = try vault.withSecretKey(account: request.account) { key in
                    try decision(request, approve: approve, held: held, state: current, key: key)
                }
                return (blob: result.state, value: result)
            }
            held?.remove(id: id)
            await publish(outcome)
        } catch {
            report("Could not answer the request: \(error)")
        }
        reload()
    }

    private func decision(_ request: PendingRequest, approve: Bool, held: HeldStore?, state: [UInt8], key: UnsafeBufferPointer<UInt8>) throws -> SignerOutcome {
        guard approve else {
            return try SignerBridge.deny(id: request.id, state: state, key: key, now: Clock.now())
        }
        guard let bytes = held?.load(id: request.id) else {
            throw FfiError.NotFound(RustString("held request"))
        }
        return try SignerBridge.approve(id: request.id, request: bytes, state: state, key: key, now: Clock.now())
    }
}
