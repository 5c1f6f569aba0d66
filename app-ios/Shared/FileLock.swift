import Foundation

/// An exclusive advisory lock (`flock`) on a file in the App Group, so the app and the NSE never
/// interleave a read-modify-write of the same file. Held for the length of a local computation,
/// never across network I/O.
struct FileLock {
    let url: URL

    func withLock<T>(_ body: () throws -> T) throws -> T {
        let fd = open(url.path, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else {
            throw StoreError.io("open lock", errno)
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw StoreError.io("lock", errno)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

enum StoreError: Error, Equatable {
    case noAppGroup
    case io(String, Int32)
}

enum AppGroup {
    /// The App Group container shared by the app and the NSE.
    static func directory() throws -> URL {
        let manager = FileManager.default
        guard let url = manager.containerURL(forSecurityApplicationGroupIdentifier: AppConstants.appGroup) else {
            throw StoreError.noAppGroup
        }
        return url
    }
}
