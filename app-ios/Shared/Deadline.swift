import Foundation

/// The NSE's time budget. iOS kills the extension about 30 s after the push; every network
/// wait is cut to what is left, minus a reserve to store the state and deliver the notification.
struct Deadline {
    /// Whole budget for one push, well inside iOS's ~30 s.
    static let nseBudget: TimeInterval = 24
    /// Kept back for storing state and delivering the notification.
    static let reserve: TimeInterval = 3

    let end: Date

    init(seconds: TimeInterval, from start: Date = Date()) {
        end = start.addingTimeInterval(seconds)
    }

    var remaining: TimeInterval { max(0, end.timeIntervalSinceNow - Deadline.reserve) }
    var expired: Bool { remaining <= 0 }

    /// The smaller of `cap` and what is left.
    func bound(_ cap: TimeInterval) -> TimeInterval {
        min(cap, remaining)
    }
}

enum Clock {
    /// Unix seconds, what the signer calls take as `now`.
    static func now() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970))
    }
}
