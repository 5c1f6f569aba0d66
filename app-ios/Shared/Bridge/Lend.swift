import Foundation

/// Lends Swift byte arrays to Rust as buffer pointers for the length of one call, and copies
/// what Rust returns into Swift values.
enum Lend {
    static func two<T>(
        _ a: [UInt8], _ b: [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> T
    ) rethrows -> T {
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try body(pa, pb)
            }
        }
    }

    static func three<T>(
        _ a: [UInt8], _ b: [UInt8], _ c: [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> T
    ) rethrows -> T {
        try a.withUnsafeBufferPointer { pa in
            try two(b, c) { pb, pc in
                try body(pa, pb, pc)
            }
        }
    }

    /// A Rust byte vector as a Swift array (one copy through its buffer pointer).
    static func bytes(_ vec: RustVec<UInt8>) -> [UInt8] {
        let count = vec.len()
        guard count > 0 else {
            return []
        }
        return Array(UnsafeBufferPointer(start: vec.as_ptr(), count: count))
    }

    static func strings(_ vec: RustVec<RustString>) -> [String] {
        vec.map { item in item.as_str().toString() }
    }

    static func rustStrings(_ values: [String]) -> RustVec<RustString> {
        let vec = RustVec<RustString>()
        for value in values {
            vec.push(value: value.intoRustString())
        }
        return vec
    }

    static func rustKinds(_ kinds: [UInt16]) -> RustVec<UInt16> {
        let vec = RustVec<UInt16>()
        for kind in kinds {
            vec.push(value: kind)
        }
        return vec
    }

    /// The bytes of a `SecretBytes`, copied for the caller (who zeroes them).
    static func secret(_ secret: SecretBytes) -> [UInt8] {
        Array(secret.bytes())
    }
}
