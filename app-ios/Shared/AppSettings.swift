import Foundation

/// Settings the app and the NSE both read, in the App Group's user defaults.
struct AppSettings {
    private let defaults: UserDefaults

    init(defaults: UserDefaults? = UserDefaults(suiteName: AppConstants.appGroup)) {
        self.defaults = defaults ?? .standard
    }

    /// The push proxy's base URL (no trailing slash).
    var proxyURL: String {
        get {
            let stored = defaults.string(forKey: "proxyURL") ?? ""
            return stored.isEmpty ? AppConstants.buildProxyURL : stored
        }
        nonmutating set {
            defaults.set(newValue.trimmingCharacters(in: .whitespacesAndNewlines), forKey: "proxyURL")
        }
    }

    /// The device token last registered with the proxy, as `env:hex@proxy`, to re-register
    /// only when something changed.
    var registeredToken: String? {
        get { defaults.string(forKey: "registeredToken") }
        nonmutating set { defaults.set(newValue, forKey: "registeredToken") }
    }
}
