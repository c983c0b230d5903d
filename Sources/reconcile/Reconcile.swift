import ArgumentParser

/// Routes `reconcile --plan …` / `reconcile --apply [PLANFILE] …` to
/// `PlanApplyCommand`, everything else to the subcommands. (A root command
/// with both a positional plan file and subcommands would read `validate`
/// as a plan file.)
@main
enum Entry {
    static func main() async {
        let args = Array(CommandLine.arguments.dropFirst())
        let head = args.prefix { $0 != "--" }
        if let first = head.first, first.hasPrefix("-"), head.contains("--plan") || head.contains("--apply") {
            if let help = HelpExamples.help(PlanApplyCommand.self, args) { return print(help, terminator: "") }
            await PlanApplyCommand.main(args)
        } else {
            if let help = HelpExamples.help(ReconcileCommand.self, args) { return print(help, terminator: "") }
            await ReconcileCommand.main(args)
        }
    }
}

/// The subcommands; `--plan` and `--apply` are described in the discussion
/// and parsed by `PlanApplyCommand`.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Email outreach infrastructure as code.",
        discussion: """
            reconcile --plan [--detailed-exitcode] [--format text|markdown|json] [--out FILE]
            reconcile --apply [PLANFILE] [--auto-approve] [--allow-destructive] [--wait 5m]
            reconcile drift
            reconcile check [--nameserver HOST:PORT]
            reconcile blocklists [--nameserver HOST:PORT]
            Add --sandbox to run any of them against the built-in emulators.
            Options of --plan/--apply: reconcile --plan --help

            Examples:
              reconcile validate
              reconcile --plan --sandbox
              reconcile explain acme-mail.de --sandbox
            """,
        subcommands: [ValidateCommand.self, PromoteSpareCommand.self, ExampleFleetCommand.self, ImportCommand.self, DriftCommand.self, CheckCommand.self, BlocklistsCommand.self,
                      SandboxCommand.self, SandboxBenchCommand.self, CostCommand.self,
                      EnqueueCommand.self, SendCommand.self, CapacityCommand.self, StatusCommand.self, EnableMailboxCommand.self,
                      ForgetCommand.self, ExportCommand.self, AlertCommand.self, ExplainCommand.self,
                      ServeCommand.self, SuppressCommand.self, UnsuppressCommand.self, StateCommand.self]
    )

    // Never parsed here (`Entry` routes both to `PlanApplyCommand`): declared
    // so that `--help` lists them and the completion scripts offer them.
    @Flag(help: "Observe the fleet and print what would change (options: reconcile --plan --help).")
    var plan = false
    @Flag(help: "Apply a plan file, or plan and apply (options: reconcile --apply --help).")
    var apply = false
}
