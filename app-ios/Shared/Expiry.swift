import Foundation

/// Held requests past their time: `expire_pending` answers each with an error reply.
enum Expiry {
    /// Bound on expiry steps per wake (each step answers one request).
    static let maxSteps = 16

    /// Runs `expire_pending` (fresh entropy each step) until it returns no reply; gives back
    /// the outcomes whose replies are to be published. The state is stored after each step.
    static func sweep(store: StateStore, vault: KeyVault, account: String) throws -> [SignerOutcome] {
        var outcomes: [SignerOutcome] = []
        for _ in 0..<maxSteps {
            let outcome: SignerOutcome = try store.update { current in
                guard let current = current else {
                    throw SecretStoreError.missing
                }
                let result = try vault.withSecretKey(account: account) { key in
                    try SignerBridge.expire(state: current, key: key, now: Clock.now())
                }
                return (blob: result.state, value: result)
            }
            guard outcome.replyJSON != nil else {
                break
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
