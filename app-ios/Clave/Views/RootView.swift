import SwiftUI

/// Onboarding until a key exists, then the tabs.
struct RootView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        Group {
            if model.account == nil {
                OnboardingView()
            } else {
                MainTabView()
            }
        }
        .onAppear { model.reload() }
        .alert("Clave", isPresented: messageShown) {
            Button("OK", role: .cancel) { model.message = nil }
        } message: {
            Text(model.message ?? "")
        }
    }

    private var messageShown: Binding<Bool> {
        Binding(get: { model.message != nil }, set: { shown in
            if !shown { model.message = nil }
        })
    }
}

struct MainTabView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        TabView {
            NavigationStack { ConnectView() }
                .tabItem { Label("Connect", systemImage: "qrcode") }
            NavigationStack { ClientListView() }
                .tabItem { Label("Clients", systemImage: "person.2") }
            NavigationStack { InboxView() }
                .tabItem { Label("Inbox", systemImage: "tray") }
                .badge(model.pending.count)
            NavigationStack { ActivityView() }
                .tabItem { Label("Activity", systemImage: "list.bullet") }
            NavigationStack { SettingsView() }
                .tabItem { Label("Settings", systemImage: "gear") }
        }
    }
}
