import ArgumentParser

/// The `--state` help every command shares: where the state may live and
/// what is used when the option is absent.
enum StateOptionHelp {
    static func text(_ what: String = "", sandbox: Bool = false) -> ArgumentHelp {
        ArgumentHelp("The state\(what): a SQLite file or postgres://USER@HOST:PORT/DB (no password: PGPASSWORD or ~/.pgpass). "
            + "Absent: $RECONCILE_STATE, else the inventory's state:, else .reconcile/state.sqlite"
            + (sandbox ? " (.reconcile/sandbox/state.sqlite with --sandbox)." : "."),
            valueName: "file-or-url")
    }
}
