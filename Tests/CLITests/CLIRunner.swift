import Foundation
import TestSupport

/// Runs the built `reconcile` binary as a subprocess, the way an operator or CI does.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repositoryRoot = ReconcileBinary.repositoryRoot.path

    static let binary = ReconcileBinary.path

    static func reconcile(_ args: [String], cwd: String = repositoryRoot) throws -> Output {
        try run(binary, args, cwd: cwd)
    }

    /// Output goes to temporary files, so a large output cannot block on a full pipe.
    static func run(_ exe: String, _ args: [String], cwd: String, environment: [String: String]? = nil) throws -> Output {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        if let environment { p.environment = environment }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Output(status: p.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The same, awaiting the exit off the cooperative pool: a test that runs
    /// emulators in its own process must not block a pool thread while the
    /// child talks to them (on 2 cores that starves the emulators).
    static func runAsync(_ exe: String, _ args: [String], cwd: String, environment: [String: String]? = nil) async throws -> Output {
        // A thread of its own, not Dispatch's global queue: on Linux its pool is as wide as
        // the cores, so a third waiting child would queue behind two long-running ones.
        try await offPool { try run(exe, args, cwd: cwd, environment: environment) }
    }

    static func temporaryDirectory() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
