import Foundation

/// Device-token registration with the push proxy.
extension AppModel {
    var proxy: ProxyClient {
        ProxyClient(baseURL: settings.proxyURL, vault: vault)
    }

    /// APNs hands the token over on every launch; register only when the token, the build's
    /// APNs environment, the proxy or the account changed.
    func deviceTokenChanged(_ token: String) async {
        deviceToken = token
        await registerDevice()
    }

    func registerDevice() async {
        guard let token = deviceToken, let account = account else { return }
        let marker = "\(AppConstants.apnsEnvironment):\(token)@\(settings.proxyURL)#\(account.pubkey)"
        guard settings.registeredToken != marker else { return }
        do {
            try await proxy.register(token: token, account: account.pubkey)
            settings.registeredToken = marker
        } catch {
            report("Could not register with the push proxy: \(error)")
        }
    }

    /// After the proxy URL changed in Settings.
    func reregister() async {
        settings.registeredToken = nil
        await registerDevice()
    }
}
