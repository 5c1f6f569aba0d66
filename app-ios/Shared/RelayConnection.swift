import Foundation

enum RelayError: Error, Equatable {
    case badURL
    case timedOut
    case notFound
    case rejected(String)
}

/// One short-lived WebSocket to a relay. Every receive is bounded: a watchdog cancels the
/// socket when the time is up, which ends the pending receive.
final class RelayConnection {
    private let task: URLSessionWebSocketTask

    init(url: URL, session: URLSession = .shared) {
        task = session.webSocketTask(with: url)
        task.maximumMessageSize = 256 * 1024
        task.resume()
    }

    func send(_ text: String) async throws {
        try await task.send(.string(text))
    }

    func receive(within seconds: TimeInterval) async throws -> String {
        guard seconds > 0 else {
            throw RelayError.timedOut
        }
        let socket = task
        let watchdog = Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            if !Task.isCancelled {
                socket.cancel(with: .goingAway, reason: nil)
            }
        }
        defer { watchdog.cancel() }
        do {
            switch try await socket.receive() {
            case .string(let text):
                return text
            case .data(let data):
                return String(decoding: data, as: UTF8.self)
            @unknown default:
                return ""
            }
        } catch {
            throw RelayError.timedOut
        }
    }

    func close() {
        task.cancel(with: .normalClosure, reason: nil)
    }
}
