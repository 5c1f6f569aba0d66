import Foundation

/// Requests held for the user: nse-ffi returns the request bytes with the pending id, and
/// `approve_pending` needs them back. One file per id in the App Group.
struct HeldStore {
    let directory: URL

    static func shared() throws -> HeldStore {
        HeldStore(directory: try AppGroup.directory().appendingPathComponent(AppConstants.heldDirectoryName))
    }

    private func url(_ id: String) -> URL? {
        // Ids are hex from Rust; anything else never becomes a path.
        guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit }) else {
            return nil
        }
        return directory.appendingPathComponent(id)
    }

    func save(id: String, request: [UInt8]) throws {
        guard let url = url(id) else { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(request).write(to: url, options: [.atomic, .completeFileProtectionUntilFirstUserAuthentication])
    }

    func load(id: String) -> [UInt8]? {
        guard let url = url(id), let data = try? Data(contentsOf: url) else {
            return nil
        }
        return [UInt8](data)
    }

    func remove(id: String) {
        if let url = url(id) {
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// Drops the files of requests that are no longer pending (decided or expired).
    func prune(keeping ids: Set<String>) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where !ids.contains(name) {
            remove(id: name)
        }
    }
}
