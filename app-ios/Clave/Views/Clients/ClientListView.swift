import SwiftUI

/// Paired apps.
struct ClientListView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        List(model.clients) { client in
            NavigationLink {
                ClientDetailView(clientKey: client.pubkey)
            } label: {
                VStack(alignment: .leading) {
                    Text(client.name.isEmpty ? "Unnamed app" : client.name)
                    Text("\(client.trust.title) trust · last seen \(Format.date(client.lastSeen))")
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
        }
        .overlay {
            if model.clients.isEmpty {
                Text("No paired apps yet. Share the bunker URI or scan a nostrconnect code.")
                    .multilineTextAlignment(.center)
                    .foregroundStyle(.secondary)
                    .padding()
            }
        }
        .navigationTitle("Clients")
    }
}

enum Format {
    static func date(_ unix: UInt64) -> String {
        guard unix > 0 else { return "never" }
        let date = Date(timeIntervalSince1970: TimeInterval(unix))
        return date.formatted(date: .abbreviated, time: .shortened)
    }
}
