import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Providers
import Sandbox
import Testing

/// `reconcile alert test`, `drift --alert` and `--apply --alert` as
/// subprocesses, with `alerts.telegram` pointed at the sandbox world's
/// Telegram emulator: what reaches the chat is read back from the emulator.
@Suite(.serialized) struct AlertCommandTests {
    @Test func alertTestAndDriftAlertsReachTelegramOncePerChange() async throws {
        let f = try await EngineFixture.start()
        do {
            guard case let (url, .telegram(bot))? = f.world.login("telegram") else { Issue.record("no telegram emulator"); await f.stop(); return }
            var fleet = try String(contentsOfFile: f.dir + "/inventory/fleet.yaml", encoding: .utf8)
            fleet = fleet.replacingOccurrences(of: "\n  telegram:\n", with: "\n  telegram:\n    endpoint: \(url.absoluteString)\n")
            try fleet.write(toFile: f.dir + "/inventory/fleet.yaml", atomically: true, encoding: .utf8)
            var env = f.environment
            env["TELEGRAM_BOT_TOKEN"] = bot.botToken
            func reconcile(_ args: [String]) async throws -> CLIRunner.Output {
                try await CLIRunner.runAsync(CLIRunner.binary, args + ["--inventory", "inventory", "--no-rate-limits", "--progress", "never"],
                                             cwd: f.dir, environment: env)
            }
            func sent() async throws -> [String] {
                let (data, _) = try await URLSession.shared.data(from: url.appendingPathComponent("sent"))
                return try JSONDecoder().decode([TelegramEmulator.Sent].self, from: data).map(\.text)
            }

            let test = try await reconcile(["alert", "test"])
            #expect(test.status == 0, "\(test.stdout)\n\(test.stderr)")
            #expect(try await sent().last?.contains("reconcile alert test") == true)
            #expect(!(test.stdout + test.stderr).contains(bot.botToken))

            let apply = try await reconcile(["--apply", "--auto-approve", "--alert"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(try await f.converge())
            // Nothing was open: a successful apply and a clean drift send nothing.
            #expect(try await reconcile(["drift", "--alert"]).status == 0)
            #expect(try await sent().count == 1)

            let rows = try await f.porkbun.retrieve("acme-mail.com")
            let dmarc = try #require(rows.first { $0.name == "_dmarc.acme-mail.com" && $0.type == "TXT" })
            try await f.porkbun.edit("acme-mail.com", id: dmarc.id.value!, PorkbunRecordInput(
                name: "_dmarc", type: "TXT", content: "v=DMARC1; p=reject", ttl: 3600))
            #expect(try await reconcile(["drift", "--alert"]).status == 2)
            #expect(try await reconcile(["drift", "--alert"]).status == 2)
            var texts = try await sent()
            // Opened once, not repeated while open.
            #expect(texts.count == 2)
            #expect(texts.last?.hasPrefix("ALERT drift-found") == true && texts.last?.contains("acme-mail.com") == true)

            #expect(try await f.converge())
            #expect(try await reconcile(["drift", "--alert"]).status == 0)
            texts = try await sent()
            #expect(texts.count == 3)
            #expect(texts.last?.hasPrefix("CLEARED drift-found") == true)
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
