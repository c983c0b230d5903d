import Foundation

/// Runs `git` as a child process, off the cooperative pool (Process waits and
/// pipe reads block): each call runs on its own dispatch queue and resumes the
/// caller through a continuation. Stdin and stderr go through temporary files
/// so no pipe can fill up and stall, and an early exit of git never raises SIGPIPE.
struct GitProcess: Sendable {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String

        /// git's own words, for error messages (last non-empty lines, trimmed).
        var message: String {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return lines.isEmpty ? "exit status \(status)" : lines.suffix(3).joined(separator: " ")
        }
    }

    /// The program; found on PATH through /usr/bin/env.
    var executable: String

    init(executable: String = "git") { self.executable = executable }

    func run(_ arguments: [String], stdin: Data? = nil) async throws(ChangedSinceError) -> Result {
        let executable = executable
        let outcome: Swift.Result<Result, ChangedSinceError> = await withCheckedContinuation { cont in
            DispatchQueue(label: "reconcile.git").async {
                cont.resume(returning: Self.runBlocking(executable, arguments, stdin: stdin))
            }
        }
        return try outcome.get()
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], stdin: Data?) -> Swift.Result<Result, ChangedSinceError> {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("reconcile-git-\(UUID().uuidString)")
        let inURL = base.appendingPathExtension("in"), errURL = base.appendingPathExtension("err")
        defer {
            try? fm.removeItem(at: inURL)
            try? fm.removeItem(at: errURL)
        }
        do {
            try (stdin ?? Data()).write(to: inURL)
            guard fm.createFile(atPath: errURL.path, contents: nil) else {
                return .failure(ChangedSinceError(.git, "cannot create a temporary file in \(fm.temporaryDirectory.path)"))
            }
            let input = try FileHandle(forReadingFrom: inURL)
            let errors = try FileHandle(forWritingTo: errURL)
            defer {
                try? input.close()
                try? errors.close()
            }
            let out = Pipe()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
            var env = ProcessInfo.processInfo.environment
            // Stable English messages, no prompts, no lock files taken by a read-only look.
            env["LC_ALL"] = "C"
            env["GIT_TERMINAL_PROMPT"] = "0"
            env["GIT_OPTIONAL_LOCKS"] = "0"
            // The repository is the inventory directory's, found from `-C DIR`; variables a git
            // hook or wrapper may have set would point git elsewhere (a relative GIT_DIR breaks -C).
            for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY",
                         "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES"] {
                env[name] = nil
            }
            process.environment = env
            process.standardInput = input
            process.standardOutput = out
            process.standardError = errors
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            if process.terminationStatus == 127, stdout.isEmpty {
                return .failure(ChangedSinceError(.git, "cannot run '\(executable)': \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"))
            }
            return .success(Result(status: process.terminationStatus, stdout: stdout, stderr: stderr))
        } catch {
            return .failure(ChangedSinceError(.git, "cannot run '\(executable)': \(error.localizedDescription)"))
        }
    }
}
