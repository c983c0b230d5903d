import Foundation

/// `reconcile serve …` as a child process: its first stdout line names the
/// URL it listens on; `terminate` (SIGTERM) or `kill` (SIGKILL) ends it, and
/// `stop` is always called so no child outlives its test.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let outURL: URL, errURL: URL
    private(set) var url = ""

    init(_ args: [String], cwd: String, environment: [String: String]) throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        outURL = tmp.appendingPathComponent("out"); errURL = tmp.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["serve"] + args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Waits for `{"listening":"URL"}`; throws with the child's stderr if it never comes.
    @discardableResult
    func listening(timeout: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first,
               let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], let u = obj["listening"] {
                url = u
                return u
            }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ServeProcessError(text: "serve did not listen: \(stderr)")
    }

    /// SIGTERM and wait: the graceful path. A serve still running after
    /// `within` seconds is killed and reported as -1 (a service that sleeps
    /// through the shutdown signal once held it for 15 minutes).
    func terminate(within seconds: Double = 30) async -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning {
            await kill()
            return -1
        }
        return process.terminationStatus
    }

    /// SIGKILL and wait: nothing gets to finish.
    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus()
    }

    func exitStatus() async -> Int32 {
        while process.isRunning { try? await Task.sleep(nanoseconds: 20_000_000) }
        return process.terminationStatus
    }

    func stop() async {
        if process.isRunning { await kill() }
        try? FileManager.default.removeItem(at: outURL.deletingLastPathComponent())
    }
}

struct ServeProcessError: Error, CustomStringConvertible { var text: String; var description: String { text } }
