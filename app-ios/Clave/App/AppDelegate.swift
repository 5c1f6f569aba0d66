import UIKit
import UserNotifications

/// Push registration and the Approve / Deny actions of held-request notifications.
final class AppDelegate: NSObject, UIApplicationDelegate, UNUserNotificationCenterDelegate {
    func application(_ application: UIApplication, didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil) -> Bool {
        let center = UNUserNotificationCenter.current()
        center.delegate = self
        center.setNotificationCategories([NotificationContent.category()])
        center.requestAuthorization(options: [.alert, .sound, .badge]) { _, _ in }
        application.registerForRemoteNotifications()
        return true
    }

    /// Called on every launch with the current token: re-registers when it (or the proxy) changed.
    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken deviceToken: Data) {
        let token = deviceToken.map { String(format: "%02x", $0) }.joined()
        Task { @MainActor in
            await AppModel.shared.deviceTokenChanged(token)
        }
    }

    func application(_ application: UIApplication, didFailToRegisterForRemoteNotificationsWithError error: Error) {
        Task { @MainActor in
            AppModel.shared.report("Push registration failed: \(error.localizedDescription)")
        }
    }

    func userNotificationCenter(_ center: UNUserNotificationCenter, didReceive response: UNNotificationResponse, withCompletionHandler completionHandler: @escaping () -> Void) {
        let info = response.notification.request.content.userInfo
        let id = info[NotificationContent.pendingIdKey] as? String
        let action = response.actionIdentifier
        Task { @MainActor in
            if let id = id, action == AppConstants.approveAction {
                await AppModel.shared.decide(id, approve: true)
            } else if let id = id, action == AppConstants.denyAction {
                await AppModel.shared.decide(id, approve: false)
            }
            completionHandler()
        }
    }

    func userNotificationCenter(_ center: UNUserNotificationCenter, willPresent notification: UNNotification, withCompletionHandler completionHandler: @escaping (UNNotificationPresentationOptions) -> Void) {
        Task { @MainActor in
            AppModel.shared.reload()
        }
        completionHandler([.banner, .list])
    }
}
