import Foundation

/// The few relay-to-client messages the shell waits for (NIP-01). Only framing: the event
/// itself is checked by nse-ffi (id, signature, addressee).
enum RelayMessage: Equatable {
    case event(subscription: String, json: String)
    case endOfStored(subscription: String)
    case ok(eventId: String, accepted: Bool, message: String)
    case closed(subscription: String, message: String)
    case other

    init(text: String) {
        guard let data = text.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [Any],
              let type = array.first as? String
        else {
            self = .other
            return
        }
        switch (type, array.count) {
        case ("EVENT", 3):
            guard let sub = array[1] as? String, let event = array[2] as? [String: Any],
                  let json = try? JSONSerialization.data(withJSONObject: event, options: [.withoutEscapingSlashes])
            else {
                self = .other
                return
            }
            self = .event(subscription: sub, json: String(decoding: json, as: UTF8.self))
        case ("EOSE", 2):
            self = .endOfStored(subscription: array[1] as? String ?? "")
        case ("OK", 4):
            self = .ok(eventId: array[1] as? String ?? "", accepted: array[2] as? Bool ?? false, message: array[3] as? String ?? "")
        case ("CLOSED", 3):
            self = .closed(subscription: array[1] as? String ?? "", message: array[2] as? String ?? "")
        default:
            self = .other
        }
    }

    /// The `id` of an event given as JSON text (to match the relay's OK).
    static func eventId(ofEvent json: String) -> String? {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            return nil
        }
        return object["id"] as? String
    }
}
