import Foundation
import Store
import Testing

/// `send` without `serve` and without any stored DNS verdict: it tries to
/// check the fleet once; when it cannot (no provider secret), it says so and
/// holds every sending domain, and `status` shows why.
@Suite(.serialized) struct SendPreflightCommandTests {
    @Test func sendWithoutAVerdictAndWithoutAWayToCheckHoldsEveryDomain() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inventory = CLIRunner.repositoryRoot + "/inventory"
        let env = ["UNSUBSCRIBE_SECRET": "u", "SMTP_MASTER_SECRET": "m", "PATH": "/usr/bin:/bin"]
        let r = try CLIRunner.run(CLIRunner.binary, ["send", "--exit-when-idle", "--inventory", inventory, "--state", dir + "/state.sqlite"],
                                  cwd: dir, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("send: no DNS verdict for "), "\(r.stderr)")
        #expect(r.stderr.contains("send: cannot check DNS ("), "\(r.stderr)")
        let holds = try SQLiteSendingStore(try StateStore(path: dir + "/state.sqlite")).domainHolds()
        #expect(!holds.isEmpty)
        #expect(holds.allSatisfy { $0.source == .dns && $0.reason.hasPrefix("no DNS verdict yet") }, "\(holds)")
        #expect(Set(holds.map(\.domain)).contains("acme-mail.com"))
        let status = try CLIRunner.run(CLIRunner.binary, ["status", "--inventory", inventory, "--state", dir + "/state.sqlite"],
                                       cwd: dir, environment: env)
        #expect(status.stdout.contains("held domain acme-mail.com since "), "\(status.stdout)\n\(status.stderr)")
    }
}
