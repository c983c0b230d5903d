import Foundation
import Inventory
import Mustache
import Store

/// Reads a campaign YAML file.
///
/// ```yaml
/// campaign: spring-intro
/// window: { from: "09:00", to: "17:00", days: [mon, tue, wed, thu, fri], time_zone: Europe/Berlin }
/// stop_on: [reply, bounce]
/// steps:
///   - subject: "Quick question, {{first_name}}"
///     text: "Hi {{first_name}}, …"
///     html: "<p>Hi {{first_name}}, …</p>"     # optional: multipart/alternative
///   - delay: 3d
///     subject: "Re: Quick question, {{first_name}}"
///     text: "…"
/// ```
/// Read with the inventory's located YAML reader (docs/ARCHITECTURE.md
/// "Inventory loading"): every problem is reported at once as
/// `FILE:LINE:COL: path: message`, unknown keys with a suggestion.
public enum CampaignLoader {
    /// Campaign files larger than this are refused unread.
    public static let maxFileBytes = 4 << 20
    static let keys = ["campaign", "window", "stop_on", "steps"]
    static let windowKeys = ["from", "to", "days", "time_zone"]
    static let stepKeys = ["delay", "subject", "text", "html"]
    static let weekdays = [("sun", 1), ("mon", 2), ("tue", 3), ("wed", 4), ("thu", 5), ("fri", 6), ("sat", 7)]

    public static func load(path: String) throws -> Campaign {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxFileBytes else { throw fileError(path, "file is larger than \(maxFileBytes >> 20) MiB") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fileError(path, "cannot read the file") }
        return try parse(bytes: [UInt8](data), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Campaign {
        try parse(bytes: Array(text.utf8), file: file)
    }

    public static func parse(bytes: [UInt8], file: String) throws -> Campaign {
        let root: YAMLNode?
        do { root = try YAMLReader().parse(bytes) } catch {
            throw SenderError.located([Diagnostic(at: SourceLocation(file: file, line: error.line, column: error.column), path: "file", error.message)])
        }
        guard let root, !root.isNull else { throw fileError(file, "the file is empty: a campaign needs 'campaign' and 'steps'") }
        let ctx = DecodeContext(file: file)
        let campaign = decode(root, ctx)
        guard let campaign, !ctx.diagnostics.contains(where: { $0.severity == .error }) else {
            throw SenderError.located(ctx.diagnostics.sorted())
        }
        return campaign
    }

    static func fileError(_ file: String, _ message: String) -> SenderError {
        .located([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), path: "file", message)])
    }

    static func decode(_ root: YAMLNode, _ ctx: DecodeContext) -> Campaign? {
        guard let m = MappingReader(root, path: "", ctx: ctx, allowed: keys, what: "a campaign (campaign, window, stop_on, steps)") else { return nil }
        let id = m.required("campaign").flatMap { name($0, m.child("campaign"), ctx) }
        var window = WeeklyWindow.always, zone = "UTC"
        if let n = m.optional("window"), let w = self.window(n, m.child("window"), ctx) { (window, zone) = w }
        var stopOnReply = true, stopOnBounce = true
        if let n = m.optional("stop_on"), let items = ctx.sequence(n, m.child("stop_on"), what: "a list of stop conditions (reply, bounce)") {
            stopOnReply = false; stopOnBounce = false
            for (i, item) in items.enumerated() {
                switch ctx.word(item, FieldPath.index(m.child("stop_on"), i), [("reply", 0), ("bounce", 1)], what: "stop condition") {
                case 0?: stopOnReply = true
                case 1?: stopOnBounce = true
                default: break
                }
            }
        }
        var steps: [CampaignStep] = []
        if let n = m.required("steps"), let items = ctx.sequence(n, m.child("steps"), what: "a list of steps") {
            if items.isEmpty { ctx.error(n, m.child("steps"), "at least one step is required") }
            for (i, item) in items.enumerated() {
                if let s = step(item, FieldPath.index(m.child("steps"), i), first: i == 0, ctx) { steps.append(s) }
            }
        }
        guard let id else { return nil }
        return Campaign(id: id, steps: steps, window: window, defaultTimeZone: zone, stopOnReply: stopOnReply, stopOnBounce: stopOnBounce,
                        inheritsWindow: !m.has("window"))
    }

    /// Campaign names end up in headers, tags and the state file: identifiers only.
    static func name(_ node: YAMLNode, _ path: String, _ ctx: DecodeContext) -> String? {
        guard let s = ctx.string(node, path) else { return nil }
        if let p = NameRules.identifierProblem(s, dots: true) {
            ctx.error(node, path, "'\(TerminalText.escaped(s, limit: 60))' \(p)")
            return nil
        }
        return s
    }

    static func window(_ node: YAMLNode, _ path: String, _ ctx: DecodeContext) -> (WeeklyWindow, String)? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: windowKeys) else { return nil }
        let start = m.required("from").flatMap { n in
            ctx.string(n, m.child("from")).flatMap { s in minutes(s, end: false) ?? fail(n, m.child("from"), "expected HH:MM, got '\(TerminalText.escaped(s, limit: 60))'", ctx) }
        }
        let end = m.required("to").flatMap { n in
            ctx.string(n, m.child("to")).flatMap { s in minutes(s, end: true) ?? fail(n, m.child("to"), "expected HH:MM (up to 24:00), got '\(TerminalText.escaped(s, limit: 60))'", ctx) }
        }
        if let s = start, let e = end, e <= s, let n = m.optional("to") { ctx.error(n, m.child("to"), "must be after window.from (windows cannot cross midnight)") }
        var days = Array(1...7)
        if let n = m.optional("days"), let items = ctx.sequence(n, m.child("days"), what: "a list of days (mon … sun)") {
            days = []
            for (i, item) in items.enumerated() {
                if let d = ctx.word(item, FieldPath.index(m.child("days"), i), weekdays, what: "weekday"), !days.contains(d) { days.append(d) }
            }
            if items.isEmpty { ctx.error(n, m.child("days"), "a window needs at least one day") }
        }
        var zone = "UTC"
        if let n = m.optional("time_zone"), let tz = ctx.nonEmptyString(n, m.child("time_zone")) {
            if TimeZone(identifier: tz) != nil { zone = tz } else {
                ctx.error(n, m.child("time_zone"), "unknown IANA time zone '\(TerminalText.escaped(tz, limit: 60))'")
            }
        }
        guard let start, let end else { return nil }
        return (WeeklyWindow(startMinute: start, endMinute: end, weekdays: days), zone)
    }

    static func step(_ node: YAMLNode, _ path: String, first: Bool, _ ctx: DecodeContext) -> CampaignStep? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: stepKeys, what: "a step (delay, subject, text, html)") else { return nil }
        var delay = 0.0
        if let n = m.optional("delay") {
            if let s = ctx.string(n, m.child("delay")) {
                if let v = Duration.seconds(s) { delay = v } else {
                    ctx.error(n, m.child("delay"), "expected a duration like 3d, 12h, 30m, got '\(TerminalText.escaped(s, limit: 60))'")
                }
            }
        } else if !first {
            ctx.error(node, m.child("delay"), "later steps need a delay")
        }
        let subject = m.required("subject").flatMap { ctx.nonEmptyString($0, m.child("subject")) }
        let text = m.required("text").flatMap { n -> String? in
            guard let s = ctx.text(n, m.child("text")) else { return nil }
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { ctx.error(n, m.child("text"), "must not be empty") }
            return s
        }
        let html = m.optional("html").flatMap { ctx.text($0, m.child("html")) }
        for (key, template) in [("subject", subject), ("text", text), ("html", html)] {
            guard let template, let n = m.optional(key) else { continue }
            do { _ = try MustacheTemplate(string: template) } catch {
                ctx.error(n, m.child(key), "invalid Mustache template: \(error)")
            }
        }
        guard let subject, let text else { return nil }
        return CampaignStep(delay: delay, subject: subject, text: text, html: html)
    }

    private static func fail<T>(_ node: YAMLNode, _ path: String, _ message: String, _ ctx: DecodeContext) -> T? {
        ctx.error(node, path, message)
        return nil
    }

    /// `HH:MM`; `24:00` only as an end.
    static func minutes(_ s: String, end: Bool) -> Int? {
        let p = s.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, p[1].count == 2, (1...2).contains(p[0].count),
              let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m) else { return nil }
        let v = h * 60 + m
        return v < 1440 || (end && v == 1440) ? v : nil
    }
}

/// `45s`, `30m`, `12h`, `3d` (or plain seconds) as seconds.
public enum Duration {
    public static func seconds(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let u = units[last], let v = Double(t.dropLast()), v >= 0 { return v * u }
        if let v = Double(t), v >= 0 { return v }
        return nil
    }
}
