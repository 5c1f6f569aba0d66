import SwiftUI

/// The relays the bunker listens on (and puts in its URI).
struct RelayListEditor: View {
    @EnvironmentObject private var model: AppModel
    @State private var relays: [String] = []
    @State private var newRelay = ""

    var body: some View {
        List {
            Section {
                ForEach(relays, id: \.self) { relay in
                    Text(relay).font(.system(.body, design: .monospaced))
                }
                .onDelete { offsets in relays.remove(atOffsets: offsets) }
            }
            Section("Add") {
                TextField("wss://relay.example.com", text: $newRelay)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .keyboardType(.URL)
                Button("Add relay") {
                    let relay = newRelay.trimmingCharacters(in: .whitespaces)
                    if !relay.isEmpty, !relays.contains(relay) {
                        relays.append(relay)
                    }
                    newRelay = ""
                }
            }
        }
        .navigationTitle("Relays")
        .toolbar {
            Button("Save") { model.setRelays(relays) }
                .disabled(relays.isEmpty || relays == model.account?.relays)
        }
        .onAppear { relays = model.account?.relays ?? [] }
    }
}
