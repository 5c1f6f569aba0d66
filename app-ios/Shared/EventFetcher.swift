import Foundation

/// Gets the request event a push points at, following the plan from `plan_fetch`:
/// embedded in the push, from the proxy's cache (NIP-98), or from the relay by id.
struct EventFetcher {
    static let proxyTimeout: TimeInterval = 5
    static let relayTimeout: TimeInterval = 8

    var session: URLSession = .shared

    func fetch(_ plan: EventPlan, deadline: Deadline) async throws -> [UInt8] {
        if plan.source == .embedded, let json = plan.eventJSON {
            return Array(json.utf8)
        }
        if plan.source == .proxy, let url = plan.proxyURL, let auth = plan.proxyAuth,
           let event = try? await fromProxy(url: url, auth: auth, timeout: deadline.bound(EventFetcher.proxyTimeout)) {
            return event
        }
        // The relay is always the fallback.
        return try await fromRelay(plan, timeout: deadline.bound(EventFetcher.relayTimeout))
    }

    private func fromProxy(url: String, auth: String, timeout: TimeInterval) async throws -> [UInt8] {
        guard let url = URL(string: url), timeout > 0 else {
            throw RelayError.badURL
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue(auth, forHTTPHeaderField: "X-Clave-Auth")
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw RelayError.notFound
        }
        return [UInt8](data)
    }

    private func fromRelay(_ plan: EventPlan, timeout: TimeInterval) async throws -> [UInt8] {
        guard let url = URL(string: plan.relayURL) else {
            throw RelayError.badURL
        }
        let end = Date().addingTimeInterval(timeout)
        let relay = RelayConnection(url: url, session: session)
        defer { relay.close() }
        try await relay.send(plan.relayReq)
        while true {
            let left = end.timeIntervalSinceNow
            switch RelayMessage(text: try await relay.receive(within: left)) {
            case .event(_, let json):
                try? await relay.send(plan.relayClose)
                return Array(json.utf8)
            case .endOfStored, .closed:
                throw RelayError.notFound
            default:
                continue
            }
        }
    }
}
