import SwiftUI

/// Everything the signer did, newest first.
struct ActivityView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        List(model.activity.reversed()) { record in
            ActivityRow(record: record)
        }
        .refreshable { model.reload() }
        .navigationTitle("Activity")
    }
}

struct ActivityRow: View {
    @EnvironmentObject private var model: AppModel
    let record: ActivityRecord

    var body: some View {
        VStack(alignment: .leading) {
            Text(title).font(.body)
            Text("\(record.verdict) · \(Format.date(record.at))").font(.caption).foregroundStyle(.secondary)
            if let error = record.error {
                Text(error).font(.caption).foregroundStyle(.red)
            }
        }
    }

    private var title: String {
        let name = model.clients.first { $0.pubkey == record.client }?.name ?? String(record.client.prefix(8))
        if let kind = record.kind {
            return "\(name): \(record.method) kind \(kind)"
        }
        return "\(name): \(record.method)"
    }
}
