import Foundation

/// Each provider account's recent request slots in `shared_rate_ledger`, so
/// plans, applies and checks on different hosts book against one budget
/// (on one host `FileRateLedger` keeps them in a locked file). An update is
/// one transaction holding the account's row (`SELECT … FOR UPDATE`): two
/// processes booking at once take turns, as `flock` makes them on a file.
public struct SharedRateLedgerStore: Sendable {
    let db: PostgresDatabase

    public init(_ db: PostgresDatabase) { self.db = db }

    /// Nil for a SQLite state: its budgets stay in files beside it.
    public init?(_ store: StateStore) {
        guard case .postgres(let db) = store.backend else { return nil }
        self.db = db
    }

    /// Runs `body` on the account's booked slot times (ascending) and pause,
    /// under the row's lock, and stores what it leaves. A new account starts
    /// with no slots and no pause.
    public func update<T>(account: String, _ body: (inout [Double], inout Double) throws -> T) throws -> T {
        try db.transaction { c in
            try c.query("INSERT INTO shared_rate_ledger (account, paused_until, grants) VALUES ($1, '-Infinity', '{}') ON CONFLICT DO NOTHING",
                        [account])
            let row = try c.rows("SELECT paused_until, grants FROM shared_rate_ledger WHERE account = $1 FOR UPDATE", [account]).first
            var pausedUntil = row?.double("paused_until") ?? -.infinity
            var grants = row?.string("grants").map(Self.parse) ?? []
            let result = try body(&grants, &pausedUntil)
            try c.query("UPDATE shared_rate_ledger SET paused_until = $1, grants = $2::double precision[] WHERE account = $3",
                        [pausedUntil, Self.literal(grants), account])
            return result
        }
    }

    /// `{1.5,2.25}` (text array input). Only finite values: slots are times.
    static func literal(_ values: [Double]) -> String {
        "{" + values.filter(\.isFinite).map { "\($0)" }.joined(separator: ",") + "}"
    }

    /// PostgreSQL's text output of a `double precision[]`.
    static func parse(_ text: String) -> [Double] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",")
            .compactMap { PostgresRow.parseDouble(String($0)) }.filter(\.isFinite)
    }
}
