import ArgumentParser
import Foundation
import Sender

/// `reconcile example-fleet`: write a realistic inventory of the reference
/// shape (4 groups, 2 mailboxes per domain) for demos and benchmarks.
struct ExampleFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-fleet",
        abstract: "Write a generated fleet inventory (4 groups, 2 mailboxes per domain).",
        discussion: "At --domains 600 it is the reference fleet: 4 groups × 300 mailboxes on 600 domains, mixed Porkbun/Namecheap and Mailgun US/EU, a spare every 20th domain. The same seed writes the same files.\n\nExample:\n  reconcile example-fleet --domains 600 --out inventory")

    @Option(name: .long, help: "Number of domains (at least 4).")
    var domains = 600

    @Option(name: .long, help: "Directory to write fleet.yaml and groups/*.yaml into (created if needed).")
    var out: String

    @Option(name: .long, help: "Seed of the generator.")
    var seed: UInt64 = 1

    func validate() throws {
        guard domains >= 4 else { throw ValidationError("--domains must be at least 4 (one per group)") }
        guard domains <= 100_000 else { throw ValidationError("--domains must be at most 100000") }
    }

    func run() async throws { try await funnel { try write() } }

    private func write() throws {
        let files = ExampleFleetGenerator(domains: domains, seed: seed).files()
        let fm = FileManager.default
        for (relative, text) in files {
            let path = out + "/" + relative
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        print("wrote \(files.count) files to \(out): 4 groups, \(domains) domains, \(domains * 2) mailboxes")
    }
}
