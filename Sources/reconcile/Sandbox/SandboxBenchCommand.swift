import App
import ArgumentParser

/// `reconcile sandbox-bench`: reads N zones from each registrar emulator with
/// the real limits on both sides and compares the wall time with the floor
/// the limits allow (used by scripts/bench-registrars; hidden from help).
struct SandboxBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-bench", abstract: "Measure zone reads against the emulators under real rate limits.",
        discussion: "Example:\n  reconcile sandbox-bench --porkbun 60 --namecheap 41",
        shouldDisplay: false)

    @Option(help: "Porkbun zones to read (1/s: the floor is N-1 seconds).")
    var porkbun = 60
    @Option(help: "Namecheap zones to read (20/min: 41 reads have a 120 s floor).")
    var namecheap = 41
    @Option(help: "Concurrent callers sharing each account's budget.")
    var callers = 4

    func run() async throws {
        try await funnel {
            for line in try await ZoneReadBench.run(porkbun: porkbun, namecheap: namecheap, callers: callers) { print(line) }
        }
    }
}
