import App
import ArgumentParser
import Foundation
import Inventory
import Sandbox

/// `reconcile sandbox`: every provider emulator on loopback until SIGINT or
/// SIGTERM. The first stdout line is one JSON object keyed by API name with
/// each service's `url` and credentials, so scripts can drive it.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the provider emulators (Porkbun, Namecheap, Mailgun US/EU, Zoho, Telegram) on 127.0.0.1 until stopped.",
        discussion: "Example:\n  reconcile sandbox --inventory inventory")

    @Option(help: "Inventory whose domains start registered at their registrar (default ./inventory when it exists).")
    var inventory: String?

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
        if let seedDomains {
            let known = SandboxWorld.registrarAPIs
            for api in try SandboxSeed.parse(seedDomains).domains.keys where !known.contains(api) {
                throw ValidationError("--seed-domains: unknown registrar '\(api)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
    }

    func run() async throws {
        try await funnel {
            let options = SandboxOptions(limits: !noLimits, faults: .uniform(faults, hangSeconds: hangSeconds),
                                         faultSeed: faultSeed, statePath: state, publishDNS: true)
            let world = try await SandboxWorld.start(seed: try seed(), options: options)
            // Written straight to fd 1 so the line is out before anything else, buffered or not.
            FileHandle.standardOutput.write(Data((world.descriptorJSON() + "\n").utf8))
            stderr("sandbox: \(world.services.count) services on 127.0.0.1; stop with Ctrl-C\n")
            var daemon = Daemon()
            daemon.add(SandboxService(world: world, statePath: state), name: "sandbox")
            try await daemon.run()
            stderr("sandbox: stopped\(state.map { ", state saved to \($0)" } ?? "")\n")
        }
    }

    /// `--seed-domains`, else a saved world as it is, else the inventory's domains, else the demo seed.
    private func seed() throws -> SandboxSeed {
        if let seedDomains { return try SandboxSeed.parse(seedDomains) }
        if let state, FileManager.default.fileExists(atPath: state) { return SandboxSeed() }
        if let dir = inventory ?? (FileManager.default.fileExists(atPath: "inventory") ? "inventory" : nil) {
            return try SandboxSeed(InventoryLoader().load(directory: dir).inventory)
        }
        return .demo
    }
}
