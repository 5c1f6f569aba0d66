import Foundation

/// Wipes secret bytes in place. `memset_s` is never optimised away.
enum Zeroizer {
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress {
                _ = memset_s(base, raw.count, 0, raw.count)
            }
        }
    }
}
