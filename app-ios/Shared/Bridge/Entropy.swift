import Foundation
import Security

enum EntropyError: Error {
    case unavailable(OSStatus)
}

/// Fresh random bytes for every signer call (never reused).
enum Entropy {
    static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let status = out.withUnsafeMutableBytes { raw in
            SecRandomCopyBytes(kSecRandomDefault, raw.count, raw.baseAddress!)
        }
        guard status == errSecSuccess else {
            throw EntropyError.unavailable(status)
        }
        return out
    }

    /// `entropy_len()` bytes, what every signer call takes.
    static func forSigner() throws -> [UInt8] {
        try bytes(Int(entropy_len()))
    }
}
