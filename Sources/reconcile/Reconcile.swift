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
            await PlanApplyCommand.main(args)
        } else {
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
            """,
        subcommands: [ValidateCommand.self, PromoteSpareCommand.self, ExampleFleetCommand.self, ImportCommand.self, DriftCommand.self, CheckCommand.self, BlocklistsCommand.self,
                      SandboxCommand.self, SandboxBenchCommand.self,
                      EnqueueCommand.self, SendCommand.self, CapacityCommand.self, StatusCommand.self, EnableMailboxCommand.self,
                      ForgetCommand.self, ExportCommand.self, AlertCommand.self,
                      ServeCommand.self, SuppressCommand.self, UnsuppressCommand.self]
    )
}
