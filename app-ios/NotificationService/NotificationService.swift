import UserNotifications

/// Wakes on each push: gets the request event, lets nse-ffi decide, publishes the reply,
/// stores the new state, then shows the outcome. All rules are in Rust.
final class NotificationService: UNNotificationServiceExtension {
    private let lock = NSLock()
    private var contentHandler: ((UNNotificationContent) -> Void)?
    private var work: Task<Void, Never>?

    override func didReceive(_ request: UNNotificationRequest, withContentHandler contentHandler: @escaping (UNNotificationContent) -> Void) {
        lock.lock()
        self.contentHandler = contentHandler
        lock.unlock()
        let userInfo = request.content.userInfo
        work = Task {
            let content = await NotificationService.process(userInfo, deadline: Deadline(seconds: Deadline.nseBudget))
            self.deliver(content)
        }
    }

    /// iOS's own cut-off (~30 s) came first: say so rather than show the placeholder.
    override func serviceExtensionTimeWillExpire() {
        work?.cancel()
        deliver(NotificationContent.failure("The request timed out. Open Clave and try again."))
    }

    private func deliver(_ content: UNNotificationContent) {
        lock.lock()
        let handler = contentHandler
        contentHandler = nil
        lock.unlock()
        handler?(content)
    }

    static func process(_ userInfo: [AnyHashable: Any], deadline: Deadline) async -> UNNotificationContent {
        guard let payload = PushPayload(userInfo: userInfo) else {
            return NotificationContent.failure("The push did not name a request.")
        }
        do {
            let store = try StateStore.shared()
            let vault = KeyVault()
            guard let state = try store.load() else {
                return NotificationContent.failure("Clave has no account set up.")
            }
            let account = try StateBridge.account(state, transport: payload.signerPubkey).pubkey
            let plan = try vault.withSecretKey(account: account) { key in
                try SignerBridge.planFetch(payload: payload, state: state, proxyBase: AppSettings().proxyURL, key: key, now: Clock.now())
            }
            let event = try await EventFetcher().fetch(plan, deadline: deadline)
            let outcome: SignerOutcome = try store.update { current in
                let result = try vault.withSecretKey(account: account) { key in
                    try SignerBridge.handle(event: event, state: current ?? state, key: key, now: Clock.now())
                }
                return (blob: result.state, value: result)
            }
            let expired = (try? Expiry.sweep(store: store, vault: vault, account: account)) ?? []
            return await finish(outcome, expired: expired, deadline: deadline)
        } catch RelayError.notFound {
            return NotificationContent.failure("The request was no longer on the relay.")
        } catch RelayError.timedOut {
            return NotificationContent.failure("The relay did not answer in time.")
        } catch {
            return NotificationContent.failure("Signing failed: \(error)")
        }
    }

    /// After the state is stored: log, keep a held request, publish the reply, then the
    /// replies to expired requests with whatever time is left.
    private static func finish(_ outcome: SignerOutcome, expired: [SignerOutcome], deadline: Deadline) async -> UNNotificationContent {
        for record in ([outcome] + expired).compactMap({ $0.activity }) {
            try? ActivityLog.shared().append(record)
        }
        var content = NotificationContent.silent()
        if let held = outcome.held, let request = outcome.heldRequest {
            try? HeldStore.shared().save(id: held.id, request: request)
            content = NotificationContent.approval(held)
        } else if let reply = outcome.replyJSON {
            let sent = await ReplyPublisher().publish(eventJSON: reply, relays: outcome.replyRelays, timeout: deadline.remaining)
            if !sent {
                content = NotificationContent.failure("No relay accepted the reply.")
            }
        }
        for step in expired where !deadline.expired {
            if let reply = step.replyJSON {
                _ = await ReplyPublisher().publish(eventJSON: reply, relays: step.replyRelays, timeout: deadline.bound(2))
            }
        }
        return content
    }
}
