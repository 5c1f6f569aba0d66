import SwiftUI

/// One paired app: name, trust, per-kind overrides, recent activity, unpair.
struct ClientDetailView: View {
    @EnvironmentObject private var model: AppModel
    @Environment(\.dismiss) private var dismiss
    let clientKey: String
    @State private var name = ""

    private var client: PairedClient? {
        model.clients.first { $0.pubkey == clientKey }
    }

    var body: some View {
        if let client = client {
            Form {
                Section("Name") {
                    TextField("Name", text: $name)
                    Button("Rename") { model.rename(client, to: name) }
                        .disabled(name.isEmpty || name == client.name)
                }
                Section("Trust") {
                    Picker("Trust", selection: trustBinding(client)) {
                        ForEach(TrustLevel.allCases) { level in
                            Text(level.title).tag(level)
                        }
                    }
                    Text(client.trust.summary).font(.caption).foregroundStyle(.secondary)
                }
                KindOverridesSection(client: client)
                Section("Recent activity") {
                    ForEach(recent(client)) { record in
                        ActivityRow(record: record)
                    }
                }
                Section {
                    LabeledContent("Website", value: client.url.isEmpty ? "—" : client.url)
                    LabeledContent("Paired", value: Format.date(client.pairedAt))
                    Button("Unpair", role: .destructive) {
                        model.unpair(client)
                        dismiss()
                    }
                }
            }
            .navigationTitle(client.name.isEmpty ? "App" : client.name)
            .onAppear { name = client.name }
        } else {
            Text("This app is no longer paired.")
        }
    }

    private func trustBinding(_ client: PairedClient) -> Binding<TrustLevel> {
        Binding(get: { client.trust }, set: { level in model.setTrust(client, level) })
    }

    private func recent(_ client: PairedClient) -> [ActivityRecord] {
        Array(model.activity.filter { $0.client == client.pubkey }.suffix(20).reversed())
    }
}
