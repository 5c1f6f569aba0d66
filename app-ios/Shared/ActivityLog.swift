import Foundation

/// One handled request, as nse-ffi reports it (no plaintext, no secrets).
struct ActivityRecord: Codable, Equatable, Identifiable {
    var id: String { "\(at)-\(client)-\(method)-\(verdict)" }
    let at: UInt64
    let account: String
    let client: String
    let method: String
    let kind: UInt16?
    let verdict: String
    let error: String?
}

/// The most recent activity records, newest last, in one JSON file of the App Group.
struct ActivityLog {
    static let capacity = 500

    let directory: URL

    static func shared() throws -> ActivityLog {
        ActivityLog(directory: try AppGroup.directory())
    }

    private var fileURL: URL { directory.appendingPathComponent(AppConstants.activityFileName) }
    private var lock: FileLock { FileLock(url: directory.appendingPathComponent(AppConstants.activityFileName + ".lock")) }

    func records() -> [ActivityRecord] {
        guard let data = try? Data(contentsOf: fileURL) else {
            return []
        }
        return (try? JSONDecoder().decode([ActivityRecord].self, from: data)) ?? []
    }

    func append(_ record: ActivityRecord) throws {
        try lock.withLock {
            var all = records()
            all.append(record)
            if all.count > ActivityLog.capacity {
                all.removeFirst(all.count - ActivityLog.capacity)
            }
            try JSONEncoder().encode(all).write(to: fileURL, options: [.atomic])
        }
    }
}
