import Foundation
import UserNotifications

/// The notifications the NSE delivers, and the Approve / Deny category the app registers.
enum NotificationContent {
    static let pendingIdKey = "pending_id"
    static let accountKey = "account"

    static func category() -> UNNotificationCategory {
        let approve = UNNotificationAction(
            identifier: AppConstants.approveAction,
            title: "Approve",
            options: [.authenticationRequired]
        )
        let deny = UNNotificationAction(
            identifier: AppConstants.denyAction,
            title: "Deny",
            options: [.destructive]
        )
        return UNNotificationCategory(
            identifier: AppConstants.approvalCategory,
            actions: [approve, deny],
            intentIdentifiers: [],
            options: []
        )
    }

    /// Auto-approved work: nothing to show. An empty content is not displayed.
    static func silent() -> UNNotificationContent {
        let content = UNMutableNotificationContent()
        if #available(iOS 15.0, *) {
            content.interruptionLevel = .passive
        }
        return content
    }

    /// A request held for the user, with the Approve / Deny actions.
    static func approval(_ request: PendingRequest) -> UNNotificationContent {
        let content = UNMutableNotificationContent()
        content.title = "\(displayName(request)) asks to \(describe(request))"
        content.body = "Approve or deny. It expires in a few minutes."
        content.sound = .default
        content.categoryIdentifier = AppConstants.approvalCategory
        content.threadIdentifier = request.client
        content.userInfo = [pendingIdKey: request.id, accountKey: request.account]
        if #available(iOS 15.0, *) {
            content.interruptionLevel = .timeSensitive
        }
        return content
    }

    static func failure(_ message: String) -> UNMutableNotificationContent {
        let content = UNMutableNotificationContent()
        content.title = "Clave could not answer a request"
        content.body = message
        return content
    }

    static func displayName(_ request: PendingRequest) -> String {
        request.clientName.isEmpty ? String(request.client.prefix(8)) : request.clientName
    }

    static func describe(_ request: PendingRequest) -> String {
        if let kind = request.kind {
            return "sign an event of kind \(kind)"
        }
        return request.method.replacingOccurrences(of: "_", with: " ")
    }
}
