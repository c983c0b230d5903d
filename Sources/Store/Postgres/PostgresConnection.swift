import CLibPQ
import Foundation

/// One libpq connection, used by one caller at a time (the pool hands it
/// out). Calls block: the stores' seams are synchronous like GRDB's, and
/// the async ones hop to a dispatch queue first (`PostgresDatabase`), so
/// no call blocks Swift's cooperative threads.
public final class PostgresConnection: @unchecked Sendable {
    let conn: OpaquePointer
    let server: String

    /// Connects with a libpq connection URI. Never logs or echoes it.
    public init(url: PostgresURL) throws {
        server = url.redacted
        guard let c = cpq_connectdb(url.connectionString) else {
            // libpq is loaded on the first connection; NULL is that failing, or no memory.
            let why = cpq_load_error().map { String(cString: $0) } ?? "out of memory"
            throw PostgresError(kind: .connection, message: why, server: server)
        }
        conn = c
        if cpq_status(c) != CONNECTION_OK {
            // deinit runs (every property is set) and finishes the connection.
            let message = Self.trimmed(cpq_errorMessage(c))
            throw PostgresError(kind: .connection, message: message, server: server)
        }
        // Notices ("relation already exists, skipping") would go to stderr.
        cpq_setNoticeProcessor(c, { _, _ in }, nil)
    }

    deinit { cpq_finish(conn) }

    /// Still usable (a broken connection is dropped, not returned to the pool).
    public var isHealthy: Bool { cpq_status(conn) == CONNECTION_OK }

    /// The server process serving this connection (what `pg_locks` shows).
    public var backendPID: Int32 { cpq_backendPID(conn) }

    /// Runs one statement with `$1…` parameters; returns its rows (none for
    /// commands) and the number of rows it changed.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> PostgresResult {
        let values = parameters.map { $0.postgresValue.wire }
        let buffers: [[CChar]?] = values.map { v in v.map { $0.bytes.map { CChar(bitPattern: $0) } + [0] } }
        let lengths: [Int32] = values.map { Int32($0?.bytes.count ?? 0) }
        let formats: [Int32] = values.map { ($0?.binary ?? false) ? 1 : 0 }
        let result: OpaquePointer? = withPointers(buffers) { pointers in
            cpq_execParams(conn, sql, Int32(values.count), nil, pointers, lengths, formats, 0)
        }
        return try consume(result)
    }

    /// Several statements without parameters (schema migrations).
    public func execute(script sql: String) throws {
        _ = try consume(cpq_exec(conn, sql))
    }

    /// The rows of `sql` (shorthand for `query(...).rows`).
    public func rows(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> [PostgresRow] {
        try query(sql, parameters).rows
    }

    /// The first column of the first row, as text.
    public func scalar(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> String? {
        try query(sql, parameters).rows.first?[0]
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            throw PostgresError(kind: .statement, message: Self.trimmed(cpq_errorMessage(conn)), server: server)
        }
        defer { cpq_clear(result) }
        switch cpq_resultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(rows: [], affected: Self.affected(result))
        case PGRES_TUPLES_OK:
            let n = Int(cpq_ntuples(result)), f = Int(cpq_nfields(result))
            let columns = PostgresColumns((0..<f).map { String(cString: cpq_fname(result, Int32($0))) })
            var rows: [PostgresRow] = []
            rows.reserveCapacity(n)
            for r in 0..<n {
                var values: [String?] = []
                values.reserveCapacity(f)
                for c in 0..<f {
                    if cpq_getisnull(result, Int32(r), Int32(c)) == 1 { values.append(nil); continue }
                    values.append(String(cString: cpq_getvalue(result, Int32(r), Int32(c))))
                }
                rows.append(PostgresRow(columns: columns, values: values))
            }
            return PostgresResult(rows: rows, affected: Self.affected(result) ?? n)
        default:
            let state = cpq_resultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = Self.trimmed(cpq_resultErrorMessage(result))
            throw PostgresError(kind: .statement, sqlState: state, message: message, server: server)
        }
    }

    private static func affected(_ result: OpaquePointer) -> Int? {
        guard let p = cpq_cmdTuples(result) else { return nil }
        return Int(String(cString: p))
    }

    private static func trimmed(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "unknown error" }
        return String(cString: p).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: "; ")
    }
}

/// What a statement returned.
public struct PostgresResult: Sendable {
    public var rows: [PostgresRow]
    /// Rows inserted, updated or deleted (or returned, for a SELECT).
    public var affected: Int?
}

/// C string pointers for the parameters, valid during `body`.
private func withPointers<R>(_ buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = buffers.map { b in
        guard let b else { return nil }
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: b.count)
        p.initialize(from: b, count: b.count)
        return p
    }
    defer { for p in owned { p?.deallocate() } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}
