import SwiftUI

@main
struct ClaveApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @StateObject private var model = AppModel.shared
    @Environment(\.scenePhase) private var phase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
                .onChange(of: phase) { newPhase in
                    if newPhase == .active {
                        model.reload()
                    }
                }
        }
    }
}
