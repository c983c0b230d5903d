import ArgumentParser

@main
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Email outreach infrastructure as code.",
        subcommands: [SandboxCommand.self, SandboxBenchCommand.self]
    )
}
