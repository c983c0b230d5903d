import Foundation
import TestSupport

/// The built `reconcile` binary (located by TestSupport's one locator), run as an operator runs it.
let reconcileBinary = URL(fileURLWithPath: ReconcileBinary.path)

/// Runs it with only `environment` (plus a PATH); returns the exit status and stderr.
func runReconcile(_ args: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
    let p = Process()
    p.executableURL = reconcileBinary
    p.arguments = args
    p.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
    let err = Pipe()
    p.standardOutput = FileHandle.nullDevice
    p.standardError = err
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The same off the cooperative pool, for tests whose emulators run in this process.
func runReconcileAsync(_ args: [String], environment: [String: String]) async throws -> (status: Int32, stderr: String) {
    try await offPool { try runReconcile(args, environment: environment) }
}
