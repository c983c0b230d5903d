import Foundation

/// `reconcile state migrate`: copies every table of one state into another
/// (file ↔ PostgreSQL), then proves the copy by per-table counts and digests.
public struct StateMigration: Sendable {
    public struct TableReport: Sendable, Hashable {
        public var table: String
        public var rows: Int
        public var digest: String
    }

    public struct Report: Sendable {
        public var from: StateLocation
        public var to: StateLocation
        public var tables: [TableReport]
        /// Rows the target held before `force` replaced them.
        public var replacedRows: Int
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case sameState(String)
        case missingSource(String)
        case targetNotEmpty(String, tables: [String])
        case mismatch(table: String, detail: String)

        public var description: String {
            switch self {
            case .sameState(let s): return "--from and --to are the same state (\(s))"
            case .missingSource(let s): return "no state at \(s) to copy from"
            case .targetNotEmpty(let s, let tables):
                return "the target state \(s) is not empty (rows in \(tables.joined(separator: ", "))); "
                    + "pass --force to replace its rows with the source's"
            case .mismatch(let table, let detail):
                return "the copy does not match the source in table \(table): \(detail)"
            }
        }
    }

    public var from: StateLocation
    public var to: StateLocation
    public var force: Bool

    public init(from: StateLocation, to: StateLocation, force: Bool = false) {
        self.from = from; self.to = to; self.force = force
    }

    public func run() throws -> Report {
        guard from != to else { throw Failure.sameState(from.description) }
        if case .file(let path) = from, !FileManager.default.fileExists(atPath: path) { throw Failure.missingSource(path) }
        let schema = try StateSchema.current()
        let source = StateTables(store: try StateStore(location: from), schema: schema)
        let target = StateTables(store: try StateStore(location: to), schema: schema)

        let before = try target.counts(schema.tables)
        let occupied = schema.tables.map(\.name).filter { (before[$0] ?? 0) > 0 }
        if !occupied.isEmpty && !force { throw Failure.targetNotEmpty(to.description, tables: occupied) }

        let copied = try source.contents(schema.copied)
        try target.replace(with: copied)

        let reports = try Self.verify(copied, against: try target.contents(schema.copied))
        return Report(from: from, to: to, tables: reports,
                      replacedRows: schema.copied.reduce(0) { $0 + (before[$1.name] ?? 0) })
    }

    /// Each table's count and digest, read back from the target, against the source's.
    static func verify(_ source: [TableContents], against target: [TableContents]) throws -> [TableReport] {
        try zip(source, target).map { s, t in
            if s.rows.count != t.rows.count {
                throw Failure.mismatch(table: s.table.name, detail: "\(s.rows.count) rows in the source, \(t.rows.count) in the target")
            }
            let digest = s.digest
            if digest != t.digest { throw Failure.mismatch(table: s.table.name, detail: "the rows' digests differ") }
            return TableReport(table: s.table.name, rows: s.rows.count, digest: digest)
        }
    }
}
