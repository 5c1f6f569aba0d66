import SwiftUI

/// Requests held for the user, answered here or from the notification.
struct InboxView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        List(model.pending) { request in
            VStack(alignment: .leading, spacing: 8) {
                Text("\(NotificationContent.displayName(request)) asks to \(NotificationContent.describe(request))")
                Text("Expires \(Format.date(request.expiresAt))").font(.caption).foregroundStyle(.secondary)
                HStack {
                    Button("Approve") { Task { await model.decide(request.id, approve: true) } }
                        .buttonStyle(.borderedProminent)
                    Button("Deny", role: .destructive) { Task { await model.decide(request.id, approve: false) } }
                        .buttonStyle(.bordered)
                }
            }
            .padding(.vertical, 4)
        }
        .overlay {
            if model.pending.isEmpty {
                Text("Nothing waiting for you.").foregroundStyle(.secondary)
            }
        }
        .refreshable { model.reload() }
        .navigationTitle("Inbox")
    }
}
