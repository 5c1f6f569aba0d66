import XCTest
@testable import Clave

final class KeyVaultTests: XCTestCase {
    private let key = [UInt8](repeating: 7, count: 32)

    func testStoresAndLendsTheKeyForOneCall() throws {
        let store = InMemorySecretStore()
        let vault = KeyVault(backend: store)
        try vault.store(secretKey: key, account: "alice")
        let seen = try vault.withSecretKey(account: "alice") { buffer in Array(buffer) }
        XCTAssertEqual(seen, key)
        XCTAssertTrue(vault.hasKey(account: "alice"))
    }

    func testReadsTheStoreOnEveryCall() throws {
        let store = InMemorySecretStore()
        let vault = KeyVault(backend: store)
        try vault.store(secretKey: key, account: "alice")
        _ = try vault.withSecretKey(account: "alice") { _ in 0 }
        _ = try vault.withSecretKey(account: "alice") { _ in 0 }
        XCTAssertEqual(store.loads, 2)
    }

    func testMissingKeyThrows() {
        let vault = KeyVault(backend: InMemorySecretStore())
        XCTAssertThrowsError(try vault.withSecretKey(account: "bob") { _ in 0 }) { error in
            XCTAssertEqual(error as? SecretStoreError, .missing)
        }
        XCTAssertFalse(vault.hasKey(account: "bob"))
    }

    func testRejectsKeysOfTheWrongLength() throws {
        let store = InMemorySecretStore()
        let vault = KeyVault(backend: store)
        XCTAssertThrowsError(try vault.store(secretKey: [1, 2, 3], account: "alice"))
        try store.save([1, 2, 3], account: "alice")
        XCTAssertThrowsError(try vault.withSecretKey(account: "alice") { _ in 0 }) { error in
            XCTAssertEqual(error as? SecretStoreError, .badLength(3))
        }
    }

    func testRemoveDeletesTheItem() throws {
        let store = InMemorySecretStore()
        let vault = KeyVault(backend: store)
        try vault.store(secretKey: key, account: "alice")
        try vault.remove(account: "alice")
        XCTAssertTrue(store.items.isEmpty)
    }

    func testStoreErrorsPropagate() {
        let store = InMemorySecretStore()
        store.failure = .keychain(-34018)
        let vault = KeyVault(backend: store)
        XCTAssertThrowsError(try vault.withSecretKey(account: "alice") { _ in 0 }) { error in
            XCTAssertEqual(error as? SecretStoreError, .keychain(-34018))
        }
    }

    func testZeroizerWipesInPlace() {
        var bytes: [UInt8] = [1, 2, 3, 4]
        Zeroizer.wipe(&bytes)
        XCTAssertEqual(bytes, [0, 0, 0, 0])
    }
}
