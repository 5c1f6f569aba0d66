import Foundation

enum ProxyError: Error, Equatable {
    case notConfigured
    case status(Int, String)
}

/// The push proxy's API. Every POST carries a NIP-98 header made by nse-ffi with the account
/// key, sent as `X-Clave-Auth` (iOS may strip `Authorization`).
struct ProxyClient {
    static let timeout: TimeInterval = 15

    let baseURL: String
    let vault: KeyVault
    var session: URLSession = .shared

    /// `POST /register {token, env}`: `env` is `sandbox` for debug builds, else `production`.
    func register(token: String, account: String) async throws {
        try await post("/register", ["token": token, "env": AppConstants.apnsEnvironment], account: account)
    }

    func unregister(token: String, account: String) async throws {
        try await post("/unregister", ["token": token], account: account)
    }

    /// Asks the proxy to watch a paired client's relays for requests to this signer.
    func pairClient(_ client: String, relays: [String], account: String) async throws {
        try await post("/pair-client", ["client_pubkey": client, "relay_urls": relays], account: account)
    }

    func unpairClient(_ client: String, account: String) async throws {
        try await post("/unpair-client", ["client_pubkey": client], account: account)
    }

    private func post(_ path: String, _ object: [String: Any], account: String) async throws {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard !base.isEmpty, let url = URL(string: base + path) else {
            throw ProxyError.notConfigured
        }
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let auth = try vault.withSecretKey(account: account) { key in
            try KeyBridge.nip98(key: key, url: url.absoluteString, method: "POST", body: [UInt8](body), now: Clock.now())
        }
        var request = URLRequest(url: url, timeoutInterval: ProxyClient.timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(auth, forHTTPHeaderField: "X-Clave-Auth")
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ProxyError.status(status, String(decoding: data, as: UTF8.self))
        }
    }
}
