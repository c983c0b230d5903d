import Foundation
import Store

/// Reads a recipients CSV row by row: a header row with `email`, optionally
/// `time_zone`, and any other columns as template variables. Errors name the
/// row's line (1 = the header) and the column; every bad row is reported (the
/// first `maxReportedErrors`, then a count), not just the first.
public enum RecipientsCSV {
    public static let maxReportedErrors = 100

    /// Calls `each` with every recipient in file order while no error has been
    /// found, then throws all errors at the end: run inside a transaction, a
    /// bad row anywhere leaves nothing written. Returns the number of rows.
    /// `required`: columns a template uses without a default, with where
    /// (`steps[0].text`); a row where one is empty is an error.
    @discardableResult
    public static func read(path: String, required: [String: String] = [:], _ each: (Enrollment) throws -> Void) throws -> Int {
        var reader = try open(path)
        var errors = Errors(file: path)
        do {
            guard let head = try reader.next() else {
                throw SenderError.invalidInput(file: path, line: 1, field: "header", message: "the file is empty")
            }
            let header = try Header(head.fields, line: head.line, file: path, required: required)
            var zones = ZoneCache()
            var rows = 0
            while let row = try reader.next() {
                if row.fields.allSatisfy({ ($0 ?? "x").utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) }) { continue }
                rows += 1
                if let r = header.enrollment(row.fields, line: row.line, zones: &zones, errors: &errors), errors.isEmpty { try each(r) }
            }
            if rows == 0 && errors.isEmpty {
                throw SenderError.invalidInput(file: path, line: head.line, field: "recipients", message: "no recipients: the file has a header but no rows")
            }
            try errors.throwIfAny()
            return rows
        } catch let e as CSVRecordReader.Failure {
            errors.add(.invalidInput(file: path, line: e.line, field: "row", message: e.message))
            try errors.throwIfAny()
            return 0
        }
    }

    /// The header's column names (lowercased), checked as `read` checks them.
    public static func columns(path: String) throws -> [String] {
        var reader = try open(path)
        do {
            guard let head = try reader.next() else {
                throw SenderError.invalidInput(file: path, line: 1, field: "header", message: "the file is empty")
            }
            return try Header(head.fields, line: head.line, file: path, required: [:]).names
        } catch let e as CSVRecordReader.Failure {
            throw SenderError.invalidInput(file: path, line: e.line, field: "row", message: e.message)
        }
    }

    private static func open(_ path: String) throws -> CSVRecordReader {
        do { return try CSVRecordReader(path: path) } catch {
            throw SenderError.invalidInput(file: path, line: nil, field: "recipients", message: error.message)
        }
    }

    /// The header's columns, and how a row becomes an enrollment.
    struct Header {
        let file: String
        let names: [String]
        let email: Int
        let zone: Int?
        /// The columns that become template variables.
        let variables: [(name: String, column: Int)]
        /// Columns that must not be empty, with the template that needs them.
        let required: [(name: String, column: Int, usedBy: String)]

        init(_ fields: [String?], line: Int, file: String, required: [String: String]) throws {
            self.file = file
            var names: [String] = []
            for (i, f) in fields.enumerated() {
                guard let f else { throw SenderError.invalidInput(file: file, line: line, field: "header", message: "column \(i + 1) is not UTF-8 text") }
                let name = f.trimmingCharacters(in: .whitespaces).lowercased()
                if names.contains(name) {
                    throw SenderError.invalidInput(file: file, line: line, field: "header", message: "column '\(TerminalText.escaped(name))' appears twice")
                }
                names.append(name)
            }
            guard let email = names.firstIndex(of: "email") else {
                throw SenderError.invalidInput(file: file, line: line, field: "header", message: "no 'email' column")
            }
            self.names = names
            self.email = email
            self.zone = names.firstIndex(of: "time_zone")
            let zone = self.zone
            variables = names.enumerated().filter { $0.offset != email && $0.offset != zone }.map { (name: $0.element, column: $0.offset) }
            self.required = variables.compactMap { v in required[v.name].map { (name: v.name, column: v.column, usedBy: $0) } }.sorted { $0.column < $1.column }
        }

        func enrollment(_ fields: [String?], line: Int, zones: inout ZoneCache, errors: inout Errors) -> Enrollment? {
            guard fields.count == names.count else {
                errors.add(.invalidInput(file: file, line: line, field: "row", message: "has \(fields.count) columns, the header has \(names.count)"))
                return nil
            }
            if let bad = fields.firstIndex(where: { $0 == nil }) {
                errors.add(.invalidInput(file: file, line: line, field: names[bad], message: "is not UTF-8 text"))
                return nil
            }
            let address: EmailAddress
            do { address = try EmailAddress(validating: fields[email]!) } catch {
                errors.add(.invalidInput(file: file, line: line, field: "email", message: error.message))
                return nil
            }
            var timeZone: String?
            if let zc = zone {
                let z = RecipientsCSV.trimmed(fields[zc]!)
                if !z.isEmpty {
                    guard zones.isKnown(z) else {
                        errors.add(.invalidInput(file: file, line: line, field: "time_zone", message: "unknown IANA time zone '\(TerminalText.escaped(z))'"))
                        return nil
                    }
                    timeZone = z
                }
            }
            let empty = required.filter { fields[$0.column]!.allSatisfy { $0 == " " || $0 == "\t" } }
            if let first = empty.first {
                let names = empty.map(\.name).joined(separator: ", ")
                errors.add(.invalidInput(file: file, line: line, field: names, message: "empty, but \(first.usedBy) uses {{\(first.name)}} without a default "
                                         + "(fill it, or write {{^\(first.name)}}…{{/\(first.name)}} for rows without it)"))
                return nil
            }
            var vars: [String: String] = Dictionary(minimumCapacity: variables.count + 1)
            for v in variables { vars[v.name] = fields[v.column]! }
            vars["email"] = address.normalized
            return Enrollment(email: address.normalized, timeZone: timeZone, variables: vars)
        }
    }

    /// `trimmingCharacters(in: .whitespaces)`, skipped (it bridges and copies)
    /// when both ends are ASCII other than space and tab: the usual field.
    static func trimmed(_ s: String) -> String {
        func plain(_ c: UInt8) -> Bool { c < 0x80 && c != 0x20 && c != 0x09 }
        guard let f = s.utf8.first, let l = s.utf8.last else { return s }
        if plain(f) && plain(l) { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// `TimeZone(identifier:)` is slow next to the rest of a row: remember the
    /// valid identifiers (a few hundred exist, so the cache stays small).
    struct ZoneCache {
        private var known: Set<String> = []
        mutating func isKnown(_ z: String) -> Bool {
            if known.contains(z) { return true }
            guard TimeZone(identifier: z) != nil else { return false }
            known.insert(z)
            return true
        }
    }

    struct Errors {
        let file: String
        private var shown: [SenderError] = []
        private var more = 0
        init(file: String) { self.file = file }
        var isEmpty: Bool { shown.isEmpty }
        mutating func add(_ e: SenderError) {
            if shown.count < RecipientsCSV.maxReportedErrors { shown.append(e) } else { more += 1 }
        }
        func throwIfAny() throws {
            guard !shown.isEmpty else { return }
            var all = shown
            if more > 0 { all.append(.invalidInput(file: file, line: nil, field: "rows", message: "\(more) more errors not shown")) }
            throw all.count == 1 ? all[0] : SenderError.many(all)
        }
    }
}
