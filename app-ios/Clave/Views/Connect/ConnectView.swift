import SwiftUI
import UIKit

/// The bunker URI (text, QR, copy) and the ways to pair with a nostrconnect link.
struct ConnectView: View {
    @EnvironmentObject private var model: AppModel
    @State private var offer: ConnectOffer?
    @State private var scanning = false

    var body: some View {
        List {
            Section("Bunker URI") {
                QRCodeView(text: model.bunkerURI)
                    .frame(maxWidth: .infinity)
                Text(model.bunkerURI)
                    .font(.system(.caption, design: .monospaced))
                    .textSelection(.enabled)
                Button("Copy") { UIPasteboard.general.string = model.bunkerURI }
                Button("New secret") { model.rotateBunkerSecret() }
            }
            Section("Relays") {
                NavigationLink("Edit relays (\(model.account?.relays.count ?? 0))") {
                    RelayListEditor()
                }
            }
            Section("Pair with nostrconnect://") {
                Button("Paste link") { offer = model.connectOffer(UIPasteboard.general.string ?? "") }
                Button("Scan QR code") { scanning = true }
            }
        }
        .navigationTitle("Connect")
        .sheet(isPresented: $scanning) {
            QRScannerView { text in
                scanning = false
                offer = model.connectOffer(text)
            }
        }
        .sheet(item: offerBinding) { item in
            NostrConnectApprovalSheet(offer: item.offer)
        }
    }

    private var offerBinding: Binding<IdentifiedOffer?> {
        Binding(get: { offer.map { IdentifiedOffer(offer: $0) } }, set: { value in offer = value?.offer })
    }
}

struct IdentifiedOffer: Identifiable {
    let offer: ConnectOffer
    var id: String { offer.uri }
}
