import Foundation
import Store
import Testing

/// `reconcile serve --sandbox` checks the sandbox's zones (served by Knot)
/// at start: the converged fleet passes, a domain whose DMARC vanished is
/// held — only it — with an alert, a metric and a line in `status`.
@Suite(.serialized) struct ServeDNSWatchTests {
    @Test func serveHoldsExactlyTheDomainWhoseDMARCVanished() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let apply = try CLIRunner.reconcile(["--apply", "--auto-approve", "--sandbox", "--no-rate-limits", "--progress", "never"], cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try CheckCommandTests.removeDMARC(of: "acme-mail.com", inSandboxAt: dir)

        let serve = try ServeProcess(["--sandbox", "--listen", "127.0.0.1:0"], cwd: dir,
                                     environment: ProcessInfo.processInfo.environment)
        do {
            let url = try await serve.listening()
            let state = try StateStore(path: dir + "/.reconcile/sandbox/state.sqlite")
            let store = SQLiteSendingStore(state)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, try DNSVerdictStore(state).all().isEmpty || store.domainHolds().isEmpty {
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            let holds = try store.domainHolds()
            #expect(holds.map(\.domain) == ["acme-mail.com"], "\(holds)\n\(serve.stderr)")
            #expect(holds.first?.summary == "dns: dmarc TXT at _dmarc.acme-mail.com missing")
            let verdicts = try DNSVerdictStore(state).all()
            #expect(verdicts.count == 6 && verdicts.filter { $0.preflight == .pass }.count == 5, "\(verdicts)")
            #expect(try AlertStore(state).openConditions().map(\.key).contains("domain-held:dns:acme-mail.com"))
            let metrics = try String(contentsOf: URL(string: url + "/metrics")!, encoding: .utf8)
            #expect(metrics.contains("reconcile_dns_check_domains{verdict=\"differs\"} 1"), "\(metrics)")
            #expect(metrics.contains("reconcile_domains_held{source=\"dns\"} 1"))
            #expect(await serve.terminate() == 0, "\(serve.stderr)")
        } catch {
            await serve.stop()
            throw error
        }
        await serve.stop()
        let status = try CLIRunner.reconcile(["status", "--inventory", "inventory", "--state", ".reconcile/sandbox/state.sqlite"], cwd: dir)
        #expect(status.stdout.contains("held domain acme-mail.com since "), "\(status.stdout)\n\(status.stderr)")
        #expect(status.stdout.contains(": dns: dmarc TXT at _dmarc.acme-mail.com missing"))
    }
}
