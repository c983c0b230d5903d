import Foundation

/// `check`'s output in the plan's three forms: text for a terminal or an
/// alert, Markdown for a pull request or an issue, JSON for scripts.
public enum CheckRender {
    public static func text(_ report: CheckReport) -> String {
        var out = ""
        for d in report.domains {
            switch d.status {
            case .ok:
                out += "\(d.domain): as declared (\(d.findings.count) record sets)\n"
            case .differs, .unknown:
                if let why = d.notChecked { out += "\(d.domain): could not check: \(why)\n"; continue }
                let bad = d.findings.filter { $0.status != .ok }
                out += "\(d.domain): \(summary(bad))\n"
                for f in bad { out += "  \(mark(f.status)) \(line(f))\n" }
            }
        }
        out += footer(report) + "\n"
        return out
    }

    public static func markdown(_ report: CheckReport) -> String {
        var out = "### reconcile check\n\n\(footer(report))\n"
        let bad = report.domains.filter { $0.status != .ok }
        guard !bad.isEmpty else { return out }
        out += "\n| domain | record | status | expected | published |\n|---|---|---|---|---|\n"
        for d in bad {
            if let why = d.notChecked { out += "| `\(d.domain)` | | could not check | \(cell(why)) | |\n"; continue }
            for f in d.findings where f.status != .ok {
                out += "| `\(d.domain)` | `\(f.name)` \(f.type.rawValue) (\(f.purpose)) | \(f.status.rawValue)"
                    + (f.detail.map { ": \(cell($0))" } ?? "")
                    + " | \(cell(f.expected.joined(separator: "<br>"))) | \(cell(f.published.joined(separator: "<br>"))) |\n"
            }
        }
        return out
    }

    public static func json(_ report: CheckReport) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(report), as: UTF8.self) + "\n"
    }

    public static func footer(_ r: CheckReport) -> String {
        let ok = r.domains.filter { $0.status == .ok }.count
        let differs = r.domains.filter { $0.status == .differs }.count
        let unknown = r.domains.filter { $0.status == .unknown }.count
        var s = "Checked \(r.domains.count) domain\(r.domains.count == 1 ? "" : "s") in DNS"
        if let ns = r.nameserver { s += " at \(ns)" }
        s += ": \(ok) as declared, \(differs) with differences"
        if unknown > 0 { s += ", \(unknown) could not be checked (nothing is asserted of them)" }
        return s + "."
    }

    private static func summary(_ bad: [RecordFinding]) -> String {
        let unknown = bad.filter { $0.status == .unknown }.count
        let diff = bad.count - unknown
        var parts: [String] = []
        if diff > 0 { parts.append("\(diff) difference\(diff == 1 ? "" : "s")") }
        if unknown > 0 { parts.append("\(unknown) record set\(unknown == 1 ? "" : "s") could not be checked") }
        return parts.joined(separator: ", ")
    }

    private static func mark(_ s: RecordFinding.Status) -> String {
        switch s {
        case .ok: "="
        case .unknown: "?"
        case .pending: "…"
        default: "✗"
        }
    }

    static func line(_ f: RecordFinding) -> String {
        let what = "\(f.name) \(f.type.rawValue) (\(f.purpose))"
        func list(_ v: [String]) -> String { v.isEmpty ? "nothing" : v.map { "\"\($0)\"" }.joined(separator: ", ") }
        switch f.status {
        case .missing: return "\(what) missing: expected \(list(f.expected))"
        case .different: return "\(what) differs: expected \(list(f.expected)), published \(list(f.published))" + (f.detail.map { " (\($0))" } ?? "")
        case .competing: return "\(what): \(f.detail ?? "competing records"): \(list(f.published))"
        case .pending: return "\(what) not published yet: \(f.detail ?? "")"
        case .unknown: return "\(what) could not be checked: \(f.detail ?? "")"
        case .ok: return what
        }
    }

    private static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
