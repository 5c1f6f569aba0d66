import SwiftUI

/// First launch: create a key on this phone, or import an existing one.
struct OnboardingView: View {
    @EnvironmentObject private var model: AppModel
    @State private var importing = false

    var body: some View {
        VStack(spacing: 24) {
            Spacer()
            Image(systemName: "key.horizontal.fill").font(.system(size: 56))
            Text("Clave").font(.largeTitle.bold())
            Text("Your Nostr key stays on this iPhone. Apps ask Clave to sign; Clave answers, even when locked.")
                .multilineTextAlignment(.center)
                .foregroundStyle(.secondary)
            Spacer()
            Button("Create a new key") { model.generateKey() }
                .buttonStyle(.borderedProminent)
            Button("Import an existing key") { importing = true }
                .buttonStyle(.bordered)
        }
        .padding(32)
        .sheet(isPresented: $importing) {
            ImportKeyView()
        }
    }
}
