import Foundation

/// Publishes a reply event to every relay the signer names, in parallel, each waiting a bounded
/// time for the relay's OK. Succeeds when at least one relay accepted it.
struct ReplyPublisher {
    static let okTimeout: TimeInterval = 5

    var session: URLSession = .shared

    func publish(eventJSON: String, relays: [String], timeout: TimeInterval) async -> Bool {
        let id = RelayMessage.eventId(ofEvent: eventJSON) ?? ""
        let frame = "[\"EVENT\"," + eventJSON + "]"
        let bound = min(timeout, ReplyPublisher.okTimeout)
        return await withTaskGroup(of: Bool.self) { group in
            for relay in relays {
                group.addTask {
                    await send(frame, id: id, to: relay, timeout: bound)
                }
            }
            var accepted = false
            for await ok in group {
                accepted = accepted || ok
            }
            return accepted
        }
    }

    private func send(_ frame: String, id: String, to relay: String, timeout: TimeInterval) async -> Bool {
        guard let url = URL(string: relay), timeout > 0 else {
            return false
        }
        let end = Date().addingTimeInterval(timeout)
        let connection = RelayConnection(url: url, session: session)
        defer { connection.close() }
        do {
            try await connection.send(frame)
            while true {
                let message = RelayMessage(text: try await connection.receive(within: end.timeIntervalSinceNow))
                if case .ok(let eventId, let accepted, _) = message, eventId == id {
                    return accepted
                }
            }
        } catch {
            return false
        }
    }
}
