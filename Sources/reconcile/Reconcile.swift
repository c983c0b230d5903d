import ArgumentParser

@main
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Email outreach infrastructure as code.",
        subcommands: [Validate.self, ExampleFleet.self]
    )
}
