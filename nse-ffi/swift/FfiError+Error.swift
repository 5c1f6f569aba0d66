// Hand-written companion of the generated bridge: lets the generated functions `throw` FfiError.
// Ships in the XCFramework's Swift sources next to nse_ffi.swift and SwiftBridgeCore.swift.
extension FfiError: Error {}
