import Foundation

/// `check`'s output in the plan's three forms: text for a terminal or an
/// alert, Markdown for a pull request or an issue, JSON for scripts.
public enum CheckRender {
    public static func text(_ report: CheckReport) -> String {
        var out = ""
        for d in report.domains {
            switch d.status {
            case .ok:
                out += "\(d.domain): as declared (\(d.findings.count) record sets"
                    + (d.web.isEmpty ? "" : ", \(d.web.count) web forward\(d.web.count == 1 ? "" : "s")") + ")\n"
            case .differs, .unknown:
                if let why = d.notChecked { out += "\(d.domain): could not check: \(why)\n"; continue }
                let bad = d.findings.filter { $0.status != .ok }
                let badWeb = d.web.filter { $0.status != .ok }
                out += "\(d.domain): \(summary(bad, badWeb))\n"
                for f in bad { out += "  \(mark(f.status)) \(line(f))\n" }
                for w in badWeb { out += "  \(mark(w.status)) \(line(w))\n" }
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
            for w in d.web where w.status != .ok {
                out += "| `\(d.domain)` | `HEAD \(w.url)` (web forward) | \(w.status.rawValue)" + (w.detail.map { ": \(cell($0))" } ?? "")
                    + " | \(cell(w.expected)) | \(cell(w.answered ?? "")) |\n"
            }
        }
        return out
    }

    public static func json(_ report: CheckReport) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(report), as: UTF8.self) + "\n"
    }

    /// `drift --via dns`'s first line: what the check found, and which
    /// domains are read through the APIs (at most 10 named).
    public static func dnsFirst(_ r: CheckReport) -> String {
        let suspects = r.suspects
        var s = "DNS first: \(r.domains.count - suspects.count) of \(r.domains.count) domains as declared in DNS"
            + (r.domains.contains { !$0.web.isEmpty } ? " and over HTTP" : "") + "; "
        guard !suspects.isEmpty else { return s + "no domain read through the APIs.\n" }
        let named = suspects.prefix(10).map { "\($0.domain) (\($0.status == .differs ? "differs" : "could not be checked"))" }
        s += "read through the APIs: \(named.joined(separator: ", "))"
        return s + (suspects.count > 10 ? " and \(suspects.count - 10) more.\n" : ".\n")
    }

    public static func footer(_ r: CheckReport) -> String {
        let ok = r.domains.filter { $0.status == .ok }.count
        let differs = r.domains.filter { $0.status == .differs }.count
        let unknown = r.domains.filter { $0.status == .unknown }.count
        var s = "Checked \(r.domains.count) domain\(r.domains.count == 1 ? "" : "s") in DNS"
        if let ns = r.nameserver { s += " at \(ns)" }
        let forwards = r.domains.reduce(0) { $0 + $1.web.count }
        if forwards > 0 { s += " and \(forwards) web forward\(forwards == 1 ? "" : "s") over HTTP" + (r.webVia.map { " via \($0)" } ?? "") }
        s += ": \(ok) as declared, \(differs) with differences"
        if unknown > 0 { s += ", \(unknown) could not be checked (nothing is asserted of them)" }
        return s + "."
    }

    private static func summary(_ bad: [RecordFinding], _ badWeb: [WebFinding]) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let unknown = bad.filter { $0.status == .unknown }.count
        let unknownWeb = badWeb.filter { $0.status == .unknown }.count
        let diff = bad.count - unknown + badWeb.count - unknownWeb
        var parts: [String] = []
        if diff > 0 { parts.append(plural(diff, "difference")) }
        if unknown > 0 { parts.append(plural(unknown, "record set") + " could not be checked") }
        if unknownWeb > 0 { parts.append(plural(unknownWeb, "web forward") + " could not be checked") }
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

    private static func line(_ w: WebFinding) -> String {
        let what = "HEAD \(w.url) (web forward)"
        switch w.status {
        case .unknown: return "\(what) could not be checked: \(w.detail ?? "")"
        case .ok: return what
        default: return "\(what) differs: expected \(w.expected), answered \(w.answered ?? "nothing")" + (w.detail.map { " (\($0))" } ?? "")
        }
    }

    private static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
