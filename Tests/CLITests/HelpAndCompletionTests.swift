import Foundation
import Testing

/// Every command's `--help` ends with an example, and the shell completion
/// scripts ArgumentParser generates go through the custom `Entry`.
@Suite struct HelpAndCompletionTests {
    /// `reconcile --help`'s SUBCOMMANDS, recursively (`alert test`), plus the hidden `sandbox-bench`.
    func commands() throws -> [[String]] {
        var out: [[String]] = [], todo: [[String]] = [[]]
        while let path = todo.popLast() {
            let help = try CLIRunner.reconcile(path + ["--help"])
            #expect(help.status == 0, "\(path): \(help.stderr)")
            for sub in subcommands(help.stdout) where sub != "help" {
                out.append(path + [sub])
                todo.append(path + [sub])
            }
        }
        return out + [["sandbox-bench"]]
    }

    func subcommands(_ help: String) -> [String] {
        let lines = help.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty && !$0.hasPrefix("  See ") }
            .compactMap { line -> String? in
                // A command's line is indented by 2; wrapped abstracts by more.
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            }
    }

    /// The last block of the help: an `Example:`/`Examples:` line and the `reconcile …` lines under it.
    func endsWithExample(_ help: String) -> Bool {
        let lines = help.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let i = lines.lastIndex(where: { $0.hasPrefix("Example:") || $0.hasPrefix("Examples:") }), i < lines.count - 1 else { return false }
        return lines[(i + 1)...].allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("reconcile ") }
    }

    @Test func everyCommandsHelpEndsWithAnExample() throws {
        let commands = try commands()
        #expect(commands.contains(["explain"]) && commands.contains(["alert", "test"]) && commands.count > 15, "\(commands)")
        for path in [[]] + commands + [["--plan"]] {
            let help = try CLIRunner.reconcile(path + ["--help"])
            #expect(help.status == 0, "\(path): \(help.stderr)")
            #expect(endsWithExample(help.stdout), "reconcile \(path.joined(separator: " ")) --help ends:\n\(help.stdout.suffix(400))")
            // Still the whole help: usage and options are there too.
            #expect(help.stdout.contains("USAGE:") && help.stdout.contains("OPTIONS:"))
        }
        // `help SUBCOMMAND` is answered the same way.
        #expect(endsWithExample(try CLIRunner.reconcile(["help", "explain"]).stdout))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheSubcommands(shell: String) throws {
        let r = try CLIRunner.reconcile(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r.stderr)")
        for word in ["explain", "validate", "drift", "check", "sandbox", "serve", "--plan", "--apply"] {
            #expect(r.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    /// The bash script, sourced in a real bash: what it offers for a few command lines.
    @Test func bashCompletesSubcommandsOptionsAndValues() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = try CLIRunner.reconcile(["--generate-completion-script", "bash"])
        try script.stdout.write(toFile: dir + "/reconcile.bash", atomically: true, encoding: .utf8)
        let driver = """
            source "$1"
            comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
                     _reconcile reconcile "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; echo "${COMPREPLY[*]}"; }
            comp reconcile expl
            comp reconcile explain --fo
            comp reconcile explain --format ""
            comp reconcile --pl
            """
        try driver.write(toFile: dir + "/driver.sh", atomically: true, encoding: .utf8)
        let binDir = (CLIRunner.binary as NSString).deletingLastPathComponent
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let r = try CLIRunner.run("/bin/bash", [dir + "/driver.sh", dir + "/reconcile.bash"], cwd: dir, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "\n").prefix(4) == ["explain", "--format", "text json", "--plan"], "\(r.stdout)")
    }
}
