import Foundation

/// The signer's state blob (opaque bytes owned by nse-ffi) in one file of the App Group.
/// Writes are atomic; `update` runs a change under the cross-process lock.
struct StateStore {
    let directory: URL

    init(directory: URL) {
        self.directory = directory
    }

    static func shared() throws -> StateStore {
        StateStore(directory: try AppGroup.directory())
    }

    var fileURL: URL { directory.appendingPathComponent(AppConstants.stateFileName) }
    private var lock: FileLock { FileLock(url: directory.appendingPathComponent(AppConstants.lockFileName)) }

    /// The stored blob, or nil before the first account was created.
    func load() throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            return nil
        }
        return [UInt8](try Data(contentsOf: fileURL))
    }

    func save(_ blob: [UInt8]) throws {
        try Data(blob).write(to: fileURL, options: [.atomic, .completeFileProtectionUntilFirstUserAuthentication])
    }

    /// Reads the current blob, lets `change` compute the next one, and stores it; a thrown error
    /// stores nothing. `change` gets nil when no state exists yet.
    func update<T>(_ change: ([UInt8]?) throws -> (blob: [UInt8], value: T)) throws -> T {
        try lock.withLock {
            let next = try change(try load())
            try save(next.blob)
            return next.value
        }
    }

    func delete() throws {
        try lock.withLock {
            if FileManager.default.fileExists(atPath: fileURL.path) {
                try FileManager.default.removeItem(at: fileURL)
            }
        }
    }
}
