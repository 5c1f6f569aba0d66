import Foundation

/// What one signer call decided, as Swift values: store `state` first, then act on the rest.
struct SignerOutcome {
    let state: [UInt8]
    let replyJSON: String?
    let replyRelays: [String]
    let activity: ActivityRecord?
    let held: PendingRequest?
    let heldRequest: [UInt8]?
    let ignored: String?

    init(_ result: HandleResult) {
        state = Lend.bytes(result.state)
        replyJSON = result.reply.map { reply in reply.event_json.toString() }
        replyRelays = result.reply.map { reply in Lend.strings(reply.relays) } ?? []
        activity = result.activity.map { info in ActivityRecord(info) }
        held = result.held.map { request in PendingRequest(request.info) }
        heldRequest = result.held.map { request in Lend.bytes(request.request_json) }
        ignored = result.ignored.map { reason in reason.toString() }
    }
}

/// How to get the request event of a push (from `plan_fetch`).
struct EventPlan {
    enum Source { case embedded, proxy, relay }

    let source: Source
    let signerPubkey: String
    let eventJSON: String?
    let proxyURL: String?
    let proxyAuth: String?
    let relayURL: String
    let relayReq: String
    let relayClose: String
}

/// The NSE entry points and held-request decisions. Each call takes fresh entropy.
enum SignerBridge {
    static func planFetch(payload: PushPayload, state: [UInt8], proxyBase: String, key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> EventPlan {
        let aux = try Entropy.bytes(32)
        let plan: FetchPlan = try Lend.two(state, aux) { blob, random in
            try plan_fetch(payload.json(), blob, proxyBase, key, now, random)
        }
        let source: EventPlan.Source
        switch plan.source {
        case .Embedded: source = .embedded
        case .Proxy: source = .proxy
        case .Relay: source = .relay
        }
        return EventPlan(
            source: source,
            signerPubkey: plan.signer_pubkey.toString(),
            eventJSON: plan.event_json.map { text in text.toString() },
            proxyURL: plan.proxy_url.map { text in text.toString() },
            proxyAuth: plan.proxy_auth.map { text in text.toString() },
            relayURL: plan.relay_url.toString(),
            relayReq: plan.relay_req.toString(),
            relayClose: plan.relay_close.toString()
        )
    }

    static func handle(event: [UInt8], state: [UInt8], key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> SignerOutcome {
        let entropy = try Entropy.forSigner()
        let result: HandleResult = try Lend.three(event, state, entropy) { request, blob, random in
            try handle_request(request, blob, key, now, random)
        }
        return SignerOutcome(result)
    }

    static func approve(id: String, request: [UInt8], state: [UInt8], key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> SignerOutcome {
        let entropy = try Entropy.forSigner()
        let result: HandleResult = try Lend.three(request, state, entropy) { held, blob, random in
            try approve_pending(id, held, blob, key, now, random)
        }
        return SignerOutcome(result)
    }

    static func deny(id: String, state: [UInt8], key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> SignerOutcome {
        let entropy = try Entropy.forSigner()
        let result: HandleResult = try Lend.two(state, entropy) { blob, random in
            try deny_pending(id, blob, key, now, random)
        }
        return SignerOutcome(result)
    }

    /// One expiry step; call again (with fresh entropy) while it returns a reply.
    static func expire(state: [UInt8], key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> SignerOutcome {
        let entropy = try Entropy.forSigner()
        let result: HandleResult = try Lend.two(state, entropy) { blob, random in
            try expire_pending(blob, key, now, random)
        }
        return SignerOutcome(result)
    }

    static func parseConnect(_ uri: String) throws -> ConnectOffer {
        let request: ConnectRequest = try parse_nostrconnect(uri)
        return ConnectOffer(uri: uri, request)
    }

    static func approveConnect(uri: String, account: String, trust: TrustLevel, state: [UInt8], key: UnsafeBufferPointer<UInt8>, now: UInt64) throws -> SignerOutcome {
        let entropy = try Entropy.forSigner()
        let result: HandleResult = try Lend.two(state, entropy) { blob, random in
            try approve_nostrconnect(uri, account, trust.bridged, blob, key, now, random)
        }
        return SignerOutcome(result)
    }
}
