import Foundation

/// The custom keys of a push from the proxy: `relay_url`, `event_id`, `signer_pubkey` and,
/// when it fits, `event`. Swift only extracts them; nse-ffi's `plan_fetch` validates them.
struct PushPayload: Equatable {
    let relayURL: String
    let eventId: String
    let signerPubkey: String
    /// The request event as JSON text, when the proxy embedded it.
    let eventJSON: String?

    init?(userInfo: [AnyHashable: Any]) {
        guard let relay = userInfo["relay_url"] as? String,
              let id = userInfo["event_id"] as? String,
              let signer = userInfo["signer_pubkey"] as? String,
              !relay.isEmpty, !id.isEmpty, !signer.isEmpty
        else {
            return nil
        }
        relayURL = relay
        eventId = id
        signerPubkey = signer
        eventJSON = PushPayload.embeddedEvent(userInfo["event"])
    }

    /// The proxy sends `event` as an object; a string holding JSON is accepted too.
    private static func embeddedEvent(_ value: Any?) -> String? {
        if let text = value as? String {
            return text
        }
        guard let object = value as? [String: Any], JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else {
            return nil
        }
        return String(data: data, encoding: .utf8)
    }

    /// The payload as the JSON object `plan_fetch` reads.
    func json() -> String {
        var object: [String: Any] = [
            "relay_url": relayURL,
            "event_id": eventId,
            "signer_pubkey": signerPubkey,
        ]
        if let eventJSON = eventJSON,
           let data = eventJSON.data(using: .utf8),
           let event = try? JSONSerialization.jsonObject(with: data) {
            object["event"] = event
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(data: data, encoding: .utf8) ?? "{}"
    }
}
