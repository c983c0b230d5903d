import Foundation
import Providers
import Sandbox

/// `sandbox-bench`: reads N zones from each registrar emulator with the real
/// limits on both sides (client budgets and emulator limits) and compares
/// the wall time with the floor the limits allow (scripts/bench-registrars).
public enum ZoneReadBench {
    /// `porkbun` zones (1/s: the floor is N-1 seconds), `namecheap` zones
    /// (20/min: 41 reads have a 120 s floor), `callers` concurrent readers
    /// sharing each account's budget. One line per registrar.
    public static func run(porkbun: Int, namecheap: Int, callers: Int) async throws -> [String] {
        let seed = SandboxSeed(domains: [
            "porkbun": (0..<porkbun).map { String(format: "bench%04d.com", $0) },
            "namecheap": (0..<namecheap).map { String(format: "bench%04d.net", $0) },
        ])
        let world = try await SandboxWorld.start(seed: seed, options: SandboxOptions(limits: true))
        do {
            guard case let (pURL, .porkbun(pKeys))? = world.login("porkbun"),
                  case let (nURL, .namecheap(nKeys))? = world.login("namecheap") else {
                throw AppError("the sandbox world has no registrar emulators")
            }
            let pb = PorkbunProvider(client: PorkbunClient(baseURL: pURL, credentials: pKeys))
            let nc = NamecheapProvider(client: NamecheapClient(baseURL: nURL, credentials: nKeys))
            async let a = readAll(pb, seed.domains(for: "porkbun"), callers: callers)
            async let b = readAll(nc, seed.domains(for: "namecheap"), callers: callers)
            let (pw, nw) = try await (a, b)
            let pFloor = Double(max(0, porkbun - 1)) * 1.0
            let nFloor = Double(max(0, (namecheap + 19) / 20 - 1)) * 60
            var lines: [String] = []
            for (name, reads, wall, floor, limit) in [("porkbun", porkbun, pw, pFloor, "1/s"),
                                                      ("namecheap", namecheap, nw, nFloor, "20/min+700/h+8000/day")] {
                let c = world.service(name)?.counters
                lines.append(line(name, reads: reads, wall: wall, floor: floor, limit: limit)
                             + "; requests \(c?.totalRequests ?? 0), throttled answers \(c?.totalThrottled ?? 0)")
            }
            await world.stop()
            return lines
        } catch {
            await world.stop()
            throw error
        }
    }

    static func line(_ name: String, reads: Int, wall: Double, floor: Double, limit: String) -> String {
        let share = floor > 0 ? floor / wall * 100 : 100
        return String(format: "%@: %d zone reads in %.1f s; floor %.0f s at %@; used share of the allowed rate %.1f %%",
                      name, reads, wall, floor, limit, share)
    }

    static func readAll(_ provider: any DNSZoneProvider, _ domains: [String], callers: Int) async throws -> Double {
        let clock = Providers.SystemClock()
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
