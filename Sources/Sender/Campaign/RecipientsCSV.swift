import Foundation
import Store

/// Reads a recipients CSV: a header row with `email`, optionally `time_zone`,
/// and any other columns as template variables. Errors name the row number
/// (1 = the header) and the column; every bad row is reported, not just the first.
public enum RecipientsCSV {
    public struct Result: Sendable, Equatable {
        public var recipients: [Enrollment]
        /// Rows whose address appeared earlier in the file (merged into the first).
        public var duplicatesMerged: Int
    }

    public static func load(path: String) throws -> Result {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SenderError.invalidInput(file: path, line: nil, field: "recipients", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Result {
        let rows = try records(text, file: file)
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw SenderError.invalidInput(file: file, line: 1, field: "header", message: "the file is empty")
        }
        guard let emailColumn = header.firstIndex(of: "email") else {
            throw SenderError.invalidInput(file: file, line: rows[0].line, field: "header", message: "no 'email' column")
        }
        let zoneColumn = header.firstIndex(of: "time_zone")
        var errors: [SenderError] = []
        var out: [Enrollment] = []
        var seen: [String: Int] = [:]
        var merged = 0
        for row in rows.dropFirst() {
            if row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.fields.count == header.count else {
                errors.append(.invalidInput(file: file, line: row.line, field: "row", message: "has \(row.fields.count) columns, the header has \(header.count)"))
                continue
            }
            let email = row.fields[emailColumn].trimmingCharacters(in: .whitespaces).lowercased()
            guard isAddress(email) else {
                errors.append(.invalidInput(file: file, line: row.line, field: "email", message: "'\(row.fields[emailColumn])' is not an email address"))
                continue
            }
            var zone: String?
            if let zc = zoneColumn {
                let z = row.fields[zc].trimmingCharacters(in: .whitespaces)
                if !z.isEmpty {
                    if TimeZone(identifier: z) == nil {
                        errors.append(.invalidInput(file: file, line: row.line, field: "time_zone", message: "unknown IANA time zone '\(z)'"))
                        continue
                    }
                    zone = z
                }
            }
            var vars: [String: String] = [:]
            for (i, name) in header.enumerated() where i != emailColumn && i != zoneColumn {
                vars[name] = row.fields[i]
            }
            vars["email"] = email
            if let at = seen[email] {
                // Duplicates merge: the first row wins, later rows fill what it left empty.
                for (k, v) in vars where (out[at].variables[k] ?? "").isEmpty { out[at].variables[k] = v }
                if out[at].timeZone == nil { out[at].timeZone = zone }
                merged += 1
                continue
            }
            seen[email] = out.count
            out.append(Enrollment(email: email, timeZone: zone, variables: vars))
        }
        if !errors.isEmpty { throw errors.count == 1 ? errors[0] : SenderError.many(errors) }
        return Result(recipients: out, duplicatesMerged: merged)
    }

    static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
    }

    /// RFC 4180 records with the line number each starts on.
    static func records(_ text: String, file: String) throws -> [(line: Int, fields: [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1, start = 1
        var chars = Array(text)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                fields.append(field); field = ""
                out.append((start, fields)); fields = []
                line += 1; start = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw SenderError.invalidInput(file: file, line: start, field: "row", message: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); out.append((start, fields)) }
        return out
    }
}
