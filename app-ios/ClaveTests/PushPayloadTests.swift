import XCTest
@testable import Clave

final class PushPayloadTests: XCTestCase {
    private let id = String(repeating: "ab", count: 32)
    private let signer = String(repeating: "cd", count: 32)

    private func userInfo(event: Any? = nil) -> [AnyHashable: Any] {
        var info: [AnyHashable: Any] = [
            "aps": ["mutable-content": 1, "alert": ["title": " ", "body": " "]],
            "relay_url": "wss://relay.example.com",
            "event_id": id,
            "signer_pubkey": signer,
        ]
        if let event = event {
            info["event"] = event
        }
        return info
    }

    func testReadsTheProxyKeys() throws {
        let payload = try XCTUnwrap(PushPayload(userInfo: userInfo()))
        XCTAssertEqual(payload.relayURL, "wss://relay.example.com")
        XCTAssertEqual(payload.eventId, id)
        XCTAssertEqual(payload.signerPubkey, signer)
        XCTAssertNil(payload.eventJSON)
    }

    func testMissingOrEmptyKeysAreRejected() {
        var info = userInfo()
        info["event_id"] = nil
        XCTAssertNil(PushPayload(userInfo: info))
        info = userInfo()
        info["signer_pubkey"] = ""
        XCTAssertNil(PushPayload(userInfo: info))
        info = userInfo()
        info["relay_url"] = 42
        XCTAssertNil(PushPayload(userInfo: info))
        XCTAssertNil(PushPayload(userInfo: [:]))
    }

    func testEmbeddedEventObjectBecomesJSON() throws {
        let event: [String: Any] = ["id": id, "kind": 24133, "content": "a/b", "tags": [["p", signer]]]
        let payload = try XCTUnwrap(PushPayload(userInfo: userInfo(event: event)))
        let json = try XCTUnwrap(payload.eventJSON)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["kind"] as? Int, 24133)
        XCTAssertEqual(parsed["content"] as? String, "a/b")
        XCTAssertTrue(json.contains("a/b"), "slashes are not escaped")
    }

    func testJSONForPlanFetchCarriesEveryKey() throws {
        let payload = try XCTUnwrap(PushPayload(userInfo: userInfo(event: ["kind": 24133])))
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(payload.json().utf8)) as? [String: Any])
        XCTAssertEqual(parsed["event_id"] as? String, id)
        XCTAssertEqual(parsed["signer_pubkey"] as? String, signer)
        XCTAssertEqual(parsed["relay_url"] as? String, "wss://relay.example.com")
        XCTAssertEqual((parsed["event"] as? [String: Any])?["kind"] as? Int, 24133)
        XCTAssertNil(parsed["aps"])
    }

    func testRelayMessagesAreFramedOnly() {
        XCTAssertEqual(RelayMessage(text: "[\"EOSE\",\"s\"]"), .endOfStored(subscription: "s"))
        XCTAssertEqual(RelayMessage(text: "[\"OK\",\"\(id)\",true,\"\"]"), .ok(eventId: id, accepted: true, message: ""))
        XCTAssertEqual(RelayMessage(text: "not json"), .other)
        if case .event(let sub, let json) = RelayMessage(text: "[\"EVENT\",\"s\",{\"id\":\"\(id)\"}]") {
            XCTAssertEqual(sub, "s")
            XCTAssertEqual(RelayMessage.eventId(ofEvent: json), id)
        } else {
            XCTFail("EVENT not recognised")
        }
    }
}
