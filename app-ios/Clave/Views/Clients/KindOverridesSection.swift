import SwiftUI

/// Per-kind decisions that win over the trust level for one client.
struct KindOverridesSection: View {
    @EnvironmentObject private var model: AppModel
    let client: PairedClient
    @State private var newKind = ""
    @State private var newChoice: OverrideChoice = .ask

    var body: some View {
        Section("Per-kind overrides") {
            ForEach(client.kindOverrides.keys.sorted(), id: \.self) { kind in
                HStack {
                    Text("Kind \(kind)")
                    Spacer()
                    Text(client.kindOverrides[kind]?.rawValue.capitalized ?? "")
                        .foregroundStyle(.secondary)
                }
                .swipeActions {
                    Button("Remove", role: .destructive) {
                        model.setKindOverride(client, kind: kind, choice: nil)
                    }
                }
            }
            HStack {
                TextField("Kind", text: $newKind).keyboardType(.numberPad)
                Picker("", selection: $newChoice) {
                    ForEach(OverrideChoice.allCases) { choice in
                        Text(choice.rawValue.capitalized).tag(choice)
                    }
                }
                Button("Add") {
                    if let kind = UInt16(newKind) {
                        model.setKindOverride(client, kind: kind, choice: newChoice)
                        newKind = ""
                    }
                }
            }
        }
    }
}
