import Foundation
import GRDB

/// The state's tables as both backends hold them (same names and columns):
/// read from the SQLite migrations applied to an in-memory database, so a
/// new concern's tables are copied and counted without a list to keep up.
public struct StateSchema: Sendable {
    public struct Column: Sendable, Hashable {
        public var name: String
        public var kind: StateValue.Kind
    }

    public struct Table: Sendable, Hashable {
        public var name: String
        public var columns: [Column]
        /// The primary key's columns, in key order (empty: the whole row orders).
        public var primaryKey: [String]
        /// An `INTEGER PRIMARY KEY AUTOINCREMENT` column: an identity on PostgreSQL.
        public var identity: String?
        /// Tables this one references: copied before it.
        public var references: Set<String>
    }

    /// Every table, referenced tables first.
    public let tables: [Table]

    /// Not copied by `state migrate`: a lock belongs to a running process
    /// on the source, not to the data (and the PostgreSQL-only rate ledger
    /// is not in this schema at all).
    public static let notCopied: Set<String> = ["reconcile_lock"]

    public var copied: [Table] { tables.filter { !Self.notCopied.contains($0.name) } }

    public static func current() throws -> StateSchema {
        let queue = try DatabaseQueue()
        try StateStore.migrator.migrate(queue)
        return try queue.read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name
                """)
            var tables: [Table] = []
            for name in names {
                let info = try Row.fetchAll(db, sql: "SELECT name, type, pk FROM pragma_table_info(?)", arguments: [name])
                let columns = info.map { Column(name: $0["name"], kind: StateValue.Kind(declared: $0["type"])) }
                let pk = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name]) ?? ""
                let identity = pk.count == 1 && sql.uppercased().contains("AUTOINCREMENT") ? pk[0] : nil
                let refs = try String.fetchAll(db, sql: "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name])
                tables.append(Table(name: name, columns: columns, primaryKey: pk, identity: identity,
                                    references: Set(refs).subtracting([name])))
            }
            return StateSchema(tables: Self.dependencyOrder(tables))
        }
    }

    /// Referenced tables before those that reference them; otherwise by name.
    static func dependencyOrder(_ tables: [Table]) -> [Table] {
        var done: Set<String> = [], out: [Table] = []
        var rest = tables
        while !rest.isEmpty {
            let ready = rest.filter { $0.references.isSubset(of: done) }
            let next = ready.isEmpty ? rest : ready // a cycle cannot arise from the migrations; never loop
            out += next
            done.formUnion(next.map(\.name))
            rest.removeAll { done.contains($0.name) }
        }
        return out
    }
}
