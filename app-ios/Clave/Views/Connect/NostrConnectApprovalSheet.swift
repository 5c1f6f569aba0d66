import SwiftUI

/// Who wants to pair, what it asks for, and at which trust level to pair it.
struct NostrConnectApprovalSheet: View {
    @EnvironmentObject private var model: AppModel
    @Environment(\.dismiss) private var dismiss
    let offer: ConnectOffer
    @State private var trust: TrustLevel = .medium

    var body: some View {
        NavigationStack {
            Form {
                Section("App") {
                    LabeledContent("Name", value: offer.name ?? "Unnamed app")
                    LabeledContent("Website", value: offer.url ?? "—")
                    LabeledContent("Key", value: String(offer.clientPubkey.prefix(16)) + "…")
                }
                Section("Requested permissions") {
                    if offer.perms.isEmpty {
                        Text("None listed")
                    }
                    ForEach(offer.perms, id: \.self) { perm in
                        Text(perm).font(.system(.body, design: .monospaced))
                    }
                }
                Section {
                    Picker("Trust", selection: $trust) {
                        ForEach(TrustLevel.allCases) { level in
                            Text(level.title).tag(level)
                        }
                    }
                    .pickerStyle(.segmented)
                } header: {
                    Text("Trust level")
                } footer: {
                    Text(trust.summary)
                }
            }
            .navigationTitle("Pair app?")
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Deny") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("Approve") {
                        Task {
                            await model.approve(offer, trust: trust)
                            dismiss()
                        }
                    }
                }
            }
        }
    }
}
