import Foundation
import GRDB
import Store
import TestSupport

/// The two state backends a contract test runs on: a SQLite file in a temp
/// directory, or a fresh database on the test process's PostgreSQL cluster.
enum StateBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    /// A new, empty state; `open()` opens it again as another process would.
    func fresh() throws -> FreshState {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("state-contract-\(UUID().uuidString)")
            return FreshState(location: .file(dir.appendingPathComponent("state.sqlite").path), directory: dir)
        case .postgres:
            return FreshState(location: .postgres(try PostgresServer.freshDatabase()), directory: nil)
        }
    }
}

struct FreshState: Sendable {
    let location: StateLocation
    let directory: URL?

    func open() throws -> StateStore { try StateStore(location: location) }
    func remove() { if let directory { try? FileManager.default.removeItem(at: directory) } }

    /// Fixture rows written as-is, on either backend (literal SQL valid on both).
    func execute(_ sql: String) throws {
        switch try open().backend {
        case .sqlite(let pool): try pool.write { try $0.execute(sql: sql) }
        case .postgres(let db): try db.withConnection { try $0.execute(script: sql) }
        }
    }

    /// The first column of the first row, as text.
    func scalar(_ sql: String) throws -> String? { try column(sql).first }

    /// The first column of every row, as text.
    func column(_ sql: String) throws -> [String] {
        switch try open().backend {
        case .sqlite(let pool):
            return try pool.read { db in
                try DatabaseValue.fetchAll(db, sql: sql).compactMap { v in
                    switch v.storage {
                    case .string(let s): s
                    case .int64(let i): String(i)
                    case .double(let d): String(d)
                    case .blob, .null: nil
                    }
                }
            }
        case .postgres(let db): return try db.withConnection { try $0.rows(sql).compactMap { $0[0] } }
        }
    }
}
