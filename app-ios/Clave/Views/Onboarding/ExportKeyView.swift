import SwiftUI
import UIKit

/// Shows the nsec after a warning; forgets it when the screen closes.
struct ExportKeyView: View {
    @EnvironmentObject private var model: AppModel
    @State private var nsec: String?

    var body: some View {
        Form {
            Section {
                Label("Anyone with this key controls your Nostr identity. Never paste it into a website or share a screenshot.", systemImage: "exclamationmark.triangle.fill")
                    .foregroundStyle(.red)
            }
            Section {
                if let nsec = nsec {
                    Text(nsec).font(.system(.footnote, design: .monospaced)).textSelection(.enabled)
                    Button("Copy (clears in 60 s)") { copy(nsec) }
                } else {
                    Button("I understand, show my key", role: .destructive) {
                        nsec = model.exportNsec()
                    }
                }
            }
        }
        .navigationTitle("Export key")
        .onDisappear { nsec = nil }
    }

    private func copy(_ text: String) {
        UIPasteboard.general.setItems(
            [[UIPasteboard.typeAutomatic: text]],
            options: [.expirationDate: Date().addingTimeInterval(60), .localOnly: true]
        )
    }
}
