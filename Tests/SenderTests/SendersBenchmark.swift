import Foundation
import Sender
import Store
import Testing
import TestSupport

/// Not a test: `scripts/bench-senders` runs it with RECONCILE_BENCH=1 and
/// reads the lines starting `bench-senders`. Sender decisions (reservations
/// admitted) per second of 1 and 3 real `reconcile send` processes on one
/// state, SQLite file and PostgreSQL, against the real SMTP server with no
/// delay: how fast the store lets workers claim and reserve. Figures only.
@Suite(.serialized) struct SendersBenchmark {
    static let env = ProcessInfo.processInfo.environment
    static let binary = env["RECONCILE_BENCH_BINARY"] ?? ReconcileBinary.path

    /// With an SMTP server that answers at once, the senders compete for the
    /// CPU (2 cores here: the senders, aiosmtpd and PostgreSQL on one host);
    /// with 50 ms per message, as a remote relay takes, sending dominates.
    @Test(.enabled(if: env["RECONCILE_BENCH"] == "1"), arguments: [0.0, 0.05])
    func decisionsPerSecond(smtpDelay: Double) async throws {
        let messages = smtpDelay > 0 ? 400 : Int(Self.env["RECONCILE_BENCH_MESSAGES"] ?? "") ?? 2000
        let server = try SMTPTestServer(delay: smtpDelay)
        defer { server.stop() }
        let dir = try temporaryDirectory("bench-senders")
        defer { try? FileManager.default.removeItem(at: dir) }
        var fleet = makeFleet(groups: 4, mailboxesPerGroup: 10, hourly: 1_000_000, pause: SecondsRange(0.0, 0.001),
                              interval: SecondsRange(0.0, 0.001), dailyMax: 1_000_000,
                              smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:MULTI_SMTP_PASSWORD")
        fleet.thresholds.minimumSample = 1_000_000
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        print("bench-senders machine: nproc \(ProcessInfo.processInfo.activeProcessorCount), load \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?")")

        for backend in ["sqlite", "postgres"] {
            var perSecond: [Int: Double] = [:]
            for workers in [1, 3] {
                let state: String, store: any SendingStore
                if backend == "postgres" {
                    let url = try PostgresServer.freshDatabase()
                    state = url.connectionString
                    store = try StateStore(postgres: url).sendingStore()
                } else {
                    state = dir.appendingPathComponent("state-\(workers).sqlite").path
                    store = try StateStore(path: state).sendingStore()
                }
                for g in 1...4 {
                    let c = Campaign(id: "c\(g)", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
                    _ = try store.enqueue(campaign: c.record(group: "g\(g)"), recipients: recipients(messages / 4, prefix: "b\(workers)g\(g)-"),
                                          now: Date().timeIntervalSince1970 - 1)
                }
                let start = Date()
                let senders = try (0..<workers).map { i -> Process in
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: Self.binary)
                    p.arguments = ["send", "--state", state, "--fleet", fleetPath, "--exit-when-idle"]
                    p.environment = ["MULTI_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "bench-secret", "PATH": "/usr/bin:/bin"]
                    p.standardOutput = FileHandle.nullDevice
                    p.standardError = FileHandle.nullDevice
                    try p.run()
                    return p
                }
                for p in senders { _ = try await offPool { p.waitUntilExit() } }
                let wall = Date().timeIntervalSince(start)
                let reserved = try store.allReservations().count
                let accepted = try store.messages(state: .accepted).count
                perSecond[workers] = Double(reserved) / wall
                print(String(format: "bench-senders %@ smtp-delay %.2f s, %d worker(s): %d decisions (%d accepted by the SMTP server) in %.2f s, %.0f per second (process start included)",
                             backend, smtpDelay, workers, reserved, accepted, wall, perSecond[workers]!))
            }
            print(String(format: "bench-senders %@ smtp-delay %.2f s: ratio 3 workers / 1: %.2f", backend, smtpDelay, perSecond[3]! / perSecond[1]!))
        }
    }
}
