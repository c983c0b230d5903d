import App
import ArgumentParser
import Foundation
import Providers
import Sandbox

/// `reconcile sandbox-bench`: reads N zones from each registrar emulator with
/// the real limits on both sides and compares the wall time with the floor
/// the limits allow (used by scripts/bench-registrars; hidden from help).
struct SandboxBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-bench", abstract: "Measure zone reads against the emulators under real rate limits.",
        shouldDisplay: false)

    @Option(help: "Porkbun zones to read (1/s: the floor is N-1 seconds).")
    var porkbun = 60
    @Option(help: "Namecheap zones to read (20/min: 41 reads have a 120 s floor).")
    var namecheap = 41
    @Option(help: "Concurrent callers sharing each account's budget.")
    var callers = 4

    func run() async throws { try await funnel { try await bench() } }

    private func bench() async throws {
        let seed = SandboxSeed(domains: [
            "porkbun": (0..<porkbun).map { String(format: "bench%04d.com", $0) },
            "namecheap": (0..<namecheap).map { String(format: "bench%04d.net", $0) },
        ])
        let world = try await SandboxWorld.start(seed: seed, options: SandboxOptions(limits: true))
        guard case let (pURL, .porkbun(pKeys))? = world.login("porkbun"),
              case let (nURL, .namecheap(nKeys))? = world.login("namecheap") else {
            throw AppError("the sandbox world has no registrar emulators")
        }
        let pb = PorkbunProvider(client: PorkbunClient(baseURL: pURL, credentials: pKeys))
        let nc = NamecheapProvider(client: NamecheapClient(baseURL: nURL, credentials: nKeys))
        async let a = Self.readAll(pb, seed.domains(for: "porkbun"), callers: callers)
        async let b = Self.readAll(nc, seed.domains(for: "namecheap"), callers: callers)
        let (pw, nw) = try await (a, b)
        let pFloor = Double(max(0, porkbun - 1)) * 1.0
        let nFloor = Double(max(0, (namecheap + 19) / 20 - 1)) * 60
        for (name, reads, wall, floor, limit) in [("porkbun", porkbun, pw, pFloor, "1/s"),
                                                  ("namecheap", namecheap, nw, nFloor, "20/min+700/h+8000/day")] {
            let c = world.service(name)?.counters
            print(Self.line(name, reads: reads, wall: wall, floor: floor, limit: limit)
                  + "; requests \(c?.totalRequests ?? 0), throttled answers \(c?.totalThrottled ?? 0)")
        }
        await world.stop()
    }

    static func line(_ name: String, reads: Int, wall: Double, floor: Double, limit: String) -> String {
        let share = floor > 0 ? floor / wall * 100 : 100
        return String(format: "%@: %d zone reads in %.1f s; floor %.0f s at %@; used share of the allowed rate %.1f %%",
                      name, reads, wall, floor, limit, share)
    }

    static func readAll(_ provider: any DNSZoneProvider, _ domains: [String], callers: Int) async throws -> Double {
        let clock = SystemClock()
        let start = clock.now()
        let queue = WorkQueue(domains)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<callers {
                group.addTask {
                    while let d = await queue.next() { _ = try await provider.zone(d) }
                }
            }
            try await group.waitForAll()
        }
        return clock.now() - start
    }
}

private actor WorkQueue {
    private var items: [String]
    init(_ items: [String]) { self.items = items.reversed() }
    func next() -> String? { items.popLast() }
}
