import Foundation

/// Identifiers shared by the app and its Notification Service Extension.
///
/// `project.yml` and both `.entitlements` files name the same values;
/// `nse-ffi/tests/app_ios.rs` fails when they disagree.
enum AppConstants {
    static let appBundleId = "rs.clave.signer"
    static let extensionBundleId = "rs.clave.signer.nse"
    static let appGroup = "group.rs.clave.signer"
    /// The Keychain access group without its team prefix: the entitlements list
    /// `$(AppIdentifierPrefix)` followed by this value.
    static let keychainGroup = "rs.clave.signer.shared"
    static let keychainService = "rs.clave.signer.nsec"

    static let stateFileName = "signer-state.bin"
    static let lockFileName = "signer-state.lock"
    static let heldDirectoryName = "held"
    static let activityFileName = "activity.json"

    static let approvalCategory = "CLAVE_APPROVAL"
    static let approveAction = "CLAVE_APPROVE"
    static let denyAction = "CLAVE_DENY"

    /// Info.plist keys that project.yml fills from build settings.
    static let infoKeyTeamPrefix = "ClaveAppIdentifierPrefix"
    static let infoKeyProxyURL = "ClaveProxyURL"

    /// The full Keychain access group, with the team prefix this build was signed with.
    static var keychainAccessGroup: String {
        let prefix = Bundle.main.object(forInfoDictionaryKey: infoKeyTeamPrefix) as? String
        return (prefix ?? "") + keychainGroup
    }

    /// The push proxy configured at build time (`CLAVE_PROXY_URL`); Settings can override it.
    static var buildProxyURL: String {
        Bundle.main.object(forInfoDictionaryKey: infoKeyProxyURL) as? String ?? ""
    }

    /// The APNs environment the device token belongs to: debug builds are signed for the
    /// sandbox, everything else for production.
    static var apnsEnvironment: String {
        #if DEBUG
        return "sandbox"
        #else
        return "production"
        #endif
    }
}
