import Foundation

/// Swift mirrors of the bridged values the screens show, so views never hold Rust objects.
enum TrustLevel: String, CaseIterable, Identifiable, Codable {
    case full, medium, low

    var id: String { rawValue }
    var title: String {
        switch self {
        case .full: return "Full"
        case .medium: return "Medium"
        case .low: return "Low"
        }
    }
    var summary: String {
        switch self {
        case .full: return "Signs everything without asking."
        case .medium: return "Asks for protected kinds only."
        case .low: return "Asks for every signature and decryption."
        }
    }

    init(_ trust: Trust) {
        switch trust {
        case .Full: self = .full
        case .Medium: self = .medium
        case .Low: self = .low
        }
    }

    var bridged: Trust {
        switch self {
        case .full: return .Full
        case .medium: return .Medium
        case .low: return .Low
        }
    }
}

enum OverrideChoice: String, CaseIterable, Identifiable {
    case allow, ask, deny

    var id: String { rawValue }

    init(_ decision: Decision) {
        switch decision {
        case .Allow: self = .allow
        case .Ask: self = .ask
        case .Deny: self = .deny
        }
    }

    var bridged: Decision {
        switch self {
        case .allow: return .Allow
        case .ask: return .Ask
        case .deny: return .Deny
        }
    }
}

struct Account: Identifiable, Equatable {
    var id: String { pubkey }
    let pubkey: String
    /// The key the bunker answers with (the account key in this version).
    let transportPubkey: String
    let relays: [String]
    let protectedKinds: [UInt16]
    let defaultTrust: TrustLevel
}

struct PairedClient: Identifiable, Equatable {
    var id: String { pubkey }
    let account: String
    let pubkey: String
    let name: String
    let url: String
    let relays: [String]
    let trust: TrustLevel
    let kindOverrides: [UInt16: OverrideChoice]
    let pairedAt: UInt64
    let lastSeen: UInt64
}

struct PendingRequest: Identifiable, Equatable {
    let id: String
    let account: String
    let client: String
    let clientName: String
    let method: String
    let kind: UInt16?
    let expiresAt: UInt64
}

struct ConnectOffer: Equatable {
    let uri: String
    let clientPubkey: String
    let name: String?
    let url: String?
    let relays: [String]
    let perms: [String]
}
