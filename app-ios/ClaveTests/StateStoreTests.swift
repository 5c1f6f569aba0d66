import XCTest
@testable import Clave

final class StateStoreTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testNoStateBeforeTheFirstSave() throws {
        XCTAssertNil(try StateStore(directory: directory).load())
    }

    func testSaveThenLoadRoundTrips() throws {
        let store = StateStore(directory: directory)
        let blob: [UInt8] = [0x43, 0x4c, 0, 1, 255]
        try store.save(blob)
        XCTAssertEqual(try store.load(), blob)
    }

    func testUpdateStoresTheNextBlobAndReturnsTheValue() throws {
        let store = StateStore(directory: directory)
        try store.save([1])
        let value: String = try store.update { current in
            XCTAssertEqual(current, [1])
            return (blob: [1, 2], value: "done")
        }
        XCTAssertEqual(value, "done")
        XCTAssertEqual(try store.load(), [1, 2])
    }

    func testFailedUpdateLeavesTheStateAsItWas() throws {
        struct Refused: Error {}
        let store = StateStore(directory: directory)
        try store.save([9, 9])
        XCTAssertThrowsError(try store.update { _ -> (blob: [UInt8], value: Int) in throw Refused() })
        XCTAssertEqual(try store.load(), [9, 9])
    }

    func testDeleteRemovesTheFile() throws {
        let store = StateStore(directory: directory)
        try store.save([1])
        try store.delete()
        XCTAssertNil(try store.load())
    }

    func testHeldRequestsAreStoredByHexIdOnly() throws {
        let held = HeldStore(directory: directory.appendingPathComponent("held"))
        try held.save(id: "ab12", request: [1, 2, 3])
        XCTAssertEqual(held.load(id: "ab12"), [1, 2, 3])
        try held.save(id: "../escape", request: [4])
        XCTAssertNil(held.load(id: "../escape"))
        held.prune(keeping: [])
        XCTAssertNil(held.load(id: "ab12"))
    }

    func testActivityLogKeepsTheNewestRecords() throws {
        let log = ActivityLog(directory: directory)
        for at in 0..<(ActivityLog.capacity + 5) {
            try log.append(ActivityRecord(at: UInt64(at), account: "a", client: "c", method: "ping", kind: nil, verdict: "Allowed", error: nil))
        }
        let records = log.records()
        XCTAssertEqual(records.count, ActivityLog.capacity)
        XCTAssertEqual(records.first?.at, 5)
    }
}
