import SwiftUI

/// Proxy URL, relays, protected kinds, default trust, key export and removal.
struct SettingsView: View {
    @EnvironmentObject private var model: AppModel
    @State private var proxyURL = ""
    @State private var protectedKinds = ""
    @State private var confirmDelete = false

    var body: some View {
        Form {
            Section {
                TextField("https://proxy.example.com", text: $proxyURL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .keyboardType(.URL)
                Button("Save and register") {
                    model.settings.proxyURL = proxyURL
                    Task { await model.reregister() }
                }
            } header: {
                Text("Push proxy")
            } footer: {
                Text("Registers this device (\(AppConstants.apnsEnvironment) APNs) with the proxy.")
            }
            Section("Relays") {
                NavigationLink("Edit relays") { RelayListEditor() }
            }
            Section {
                TextField("0, 3, 5, 10002, 30078", text: $protectedKinds)
                    .keyboardType(.numbersAndPunctuation)
                Button("Save protected kinds") { model.setProtectedKinds(SettingsView.kinds(protectedKinds)) }
            } header: {
                Text("Protected kinds")
            } footer: {
                Text("Medium-trust apps must ask before signing these kinds.")
            }
            Section("Default trust for new apps") {
                Picker("Trust", selection: defaultTrust) {
                    ForEach(TrustLevel.allCases) { level in
                        Text(level.title).tag(level)
                    }
                }
            }
            Section("Key") {
                NavigationLink("Export key") { ExportKeyView() }
                Button("Delete key and account", role: .destructive) { confirmDelete = true }
            }
        }
        .navigationTitle("Settings")
        .onAppear {
            proxyURL = model.settings.proxyURL
            protectedKinds = (model.account?.protectedKinds ?? []).map { String($0) }.joined(separator: ", ")
        }
        .confirmationDialog("Delete the key from this iPhone? Without a backup it is gone.", isPresented: $confirmDelete, titleVisibility: .visible) {
            Button("Delete", role: .destructive) { model.deleteAccount() }
        }
    }

    private var defaultTrust: Binding<TrustLevel> {
        Binding(get: { model.account?.defaultTrust ?? .medium }, set: { level in model.setDefaultTrust(level) })
    }

    static func kinds(_ text: String) -> [UInt16] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { UInt16($0) }
    }
}
