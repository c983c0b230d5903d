import ArgumentParser
import Foundation
import Sandbox

/// `reconcile sandbox`: every provider emulator on loopback until SIGINT or
/// SIGTERM. The first stdout line is one JSON object keyed by API name with
/// each service's `url` and credentials, so scripts can drive it.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the provider emulators (Porkbun, Namecheap, …) on 127.0.0.1 until stopped.")

    @Option(name: .customLong("seed-domains"), help: "Domains registered at start, e.g. porkbun:a.com,namecheap:b.net")
    var seedDomains: String?

    @Option(help: "JSON file holding the world between runs (loaded if present, saved on exit).")
    var state: String?

    @Flag(name: .customLong("no-limits"), help: "Do not enforce the providers' real rate limits.")
    var noLimits = false

    @Option(help: "Probability (0–1) that a request gets an injected fault, spread over 5xx, unavailable page, timeout, drop, slow.")
    var faults: Double = 0

    @Option(name: .customLong("fault-seed"), help: "Seed of the fault dice (same seed, same faults).")
    var faultSeed: UInt64 = 1

    @Option(name: .customLong("hang-seconds"), help: "How long an injected timeout hangs (default beyond every client timeout: Namecheap 60 s).")
    var hangSeconds: Double = 65

    func validate() throws {
        guard (0...1).contains(faults) else { throw ValidationError("--faults must be between 0 and 1") }
        if let seedDomains { _ = try SandboxSeed.parse(seedDomains) }
    }

    func run() async throws {
        let seed: SandboxSeed
        if let seedDomains { seed = try SandboxSeed.parse(seedDomains) }
        else if let state, FileManager.default.fileExists(atPath: state) { seed = SandboxSeed() }
        else { seed = .demo }
        let options = SandboxOptions(limits: !noLimits, faults: .uniform(faults, hangSeconds: hangSeconds),
                                     faultSeed: faultSeed, statePath: state)
        let world = try await SandboxWorld.start(seed: seed, options: options)
        // Written straight to fd 1 so the line is out before anything else, buffered or not.
        FileHandle.standardOutput.write(Data((world.descriptorJSON() + "\n").utf8))
        FileHandle.standardError.write(Data("sandbox: \(world.services.count) services on 127.0.0.1; stop with Ctrl-C\n".utf8))
        await waitForTermination()
        await world.stop()
        FileHandle.standardError.write(Data("sandbox: stopped\(state.map { ", state saved to \($0)" } ?? "")\n".utf8))
    }

    /// Suspends until SIGINT or SIGTERM arrives.
    private func waitForTermination() async {
        let signals = [SIGINT, SIGTERM]
        for s in signals { signal(s, SIG_IGN) }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let once = SignalOnce(cont)
            for s in signals {
                let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                once.keep(source)
            }
        }
    }
}

private final class SignalOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var cont: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ cont: CheckedContinuation<Void, Never>) { self.cont = cont }

    func keep(_ s: any DispatchSourceSignal) { lock.withLock { sources.append(s) } }

    func fire() {
        let c: CheckedContinuation<Void, Never>? = lock.withLock { let c = cont; cont = nil; return c }
        c?.resume()
    }
}
