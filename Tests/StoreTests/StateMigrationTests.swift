import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// `StateMigration` between a real file and the private PostgreSQL cluster:
/// values that are easy to get wrong survive both directions bit for bit.
@Suite struct StateMigrationTests {
    // Not -0.0: SQLite itself stores an integral REAL as an integer (the sign is gone before any copy).
    static let doubles: [Double] = [0.1 + 0.2, 1e-300, -2.5, 1.7976931348623157e308, 5e-324, 1_764_806_400.123456]
    static let bytes = Data((0...255).map(UInt8.init))
    static let text = "it's \"quoted\"\n\ttab é 🙂 \\x00 back\\slash"

    static func tempFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)/state.sqlite").path
    }

    @Test func theSchemaCopiesReferencedTablesFirstAndKnowsItsIdentities() throws {
        let schema = try StateSchema.current()
        let order = schema.copied.map(\.name)
        func before(_ a: String, _ b: String) -> Bool { order.firstIndex(of: a)! < order.firstIndex(of: b)! }
        #expect(before("sending_campaign", "sending_enrollment") && before("sending_enrollment", "sending_message")
                && before("sending_message", "sending_reservation") && before("reconcile_run", "reconcile_journal"))
        #expect(!order.contains("reconcile_lock") && schema.tables.contains { $0.name == "reconcile_lock" })
        let identities = Dictionary(uniqueKeysWithValues: schema.tables.compactMap { t in t.identity.map { (t.name, $0) } })
        #expect(identities["sending_message"] == "row_id" && identities["sending_event"] == "id" && identities["reconcile_journal"] == "seq")
    }

    @Test func trickyValuesSurviveFileToPostgresToFile() throws {
        let source = Self.tempFile(), back = Self.tempFile()
        let store = try StateStore(path: source)
        try store.pool.write { db in
            for (i, d) in Self.doubles.enumerated() {
                try db.execute(sql: "INSERT INTO sending_event (id, at, kind, email, detail) VALUES (?, ?, 'x', ?, ?)",
                               arguments: [100 + i, d, i == 0 ? nil : Self.text, Self.text + "\(i)"])
                try db.execute(sql: "INSERT INTO reconcile_observation (address, domain, kind, state, hash, observed_at) VALUES (?, 'd', 'k', ?, 'h', ?)",
                               arguments: ["a\(i)", Self.bytes, d])
            }
        }
        let url = try PostgresServer.freshDatabase()
        let there = try StateMigration(from: .file(source), to: .postgres(url)).run()
        let again = try StateMigration(from: .postgres(url), to: .file(back)).run()
        #expect(there.tables == again.tables)
        #expect(there.tables.first { $0.table == "sending_event" }?.rows == Self.doubles.count)

        let copy = try StateStore(path: back)
        try copy.pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, at, email, detail FROM sending_event ORDER BY id")
            #expect(rows.map { $0["at"] as Double }.map(\.bitPattern) == Self.doubles.map(\.bitPattern))
            #expect(rows.map { $0["id"] as Int } == Array(100..<(100 + Self.doubles.count)))
            #expect(rows[0]["email"] as String? == nil && rows[1]["email"] as String? == Self.text)
            let blobs = try Data.fetchAll(db, sql: "SELECT state FROM reconcile_observation")
            #expect(blobs.allSatisfy { $0 == Self.bytes })
        }
        // PostgreSQL's identity continues after the copied ids.
        let pg = try PostgresConnection(url: url)
        #expect(try pg.scalar("INSERT INTO sending_event (at, kind) VALUES (1, 'y') RETURNING id") == "\(100 + Self.doubles.count)")
        // Now not empty: refused, then replaced with --force.
        #expect(throws: StateMigration.Failure.targetNotEmpty(url.redacted, tables: ["reconcile_observation", "sending_event"])) {
            try StateMigration(from: .file(source), to: .postgres(url)).run()
        }
        let forced = try StateMigration(from: .file(source), to: .postgres(url), force: true).run()
        #expect(forced.tables == there.tables && forced.replacedRows == 2 * Self.doubles.count + 1)
    }

    @Test func aCopyThatDiffersIsNamedByTable() throws {
        let table = try #require(try StateSchema.current().tables.first { $0.name == "sending_suppression" })
        let row: [StateValue] = table.columns.map { $0.kind == .real ? .double(0.1) : .text("x") }
        var changed = row
        changed[0] = .text("y")
        let source = [TableContents(table: table, unordered: [row])]
        #expect(try StateMigration.verify(source, against: source).map(\.rows) == [1])
        #expect(throws: StateMigration.Failure.mismatch(table: "sending_suppression", detail: "the rows' digests differ")) {
            try StateMigration.verify(source, against: [TableContents(table: table, unordered: [changed])])
        }
        #expect(throws: StateMigration.Failure.mismatch(table: "sending_suppression", detail: "1 rows in the source, 0 in the target")) {
            try StateMigration.verify(source, against: [TableContents(table: table, unordered: [])])
        }
        // Row order does not matter (primary-key order), a double's last bit does.
        let two = [row, changed]
        #expect(TableContents(table: table, unordered: two).digest == TableContents(table: table, unordered: two.reversed()).digest)
        #expect(StateValue.double(0.1 + 0.2).canonical != StateValue.double(0.3).canonical)
    }

    @Test func aMissingSourceOrTheSameStateIsRefused() throws {
        let missing = Self.tempFile()
        #expect(throws: StateMigration.Failure.missingSource(missing)) {
            try StateMigration(from: .file(missing), to: .file(Self.tempFile())).run()
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(throws: StateMigration.Failure.sameState("a.sqlite")) { try StateMigration(from: .file("a.sqlite"), to: .file("a.sqlite")).run() }
    }
}
