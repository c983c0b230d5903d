import Foundation
import Inventory
import Mustache
import Store

/// Reads a campaign YAML file.
///
/// ```yaml
/// campaign: spring-intro
/// window: { hours: "09:00-17:00", days: [mon, tue, wed, thu, fri], timezone: Europe/Berlin }   # limits.window's spelling
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
    static let stepKeys = ["delay", "subject", "text", "html"]

    /// Where each template of a loaded campaign is, and the variables it uses.
    public struct TemplateSite: Sendable, Equatable {
        /// `steps[0].text`
        public var path: String
        public var line: Int
        public var variables: [TemplateVariables.Use]
    }

    public struct Loaded: Sendable {
        public var campaign: Campaign
        public var templates: [TemplateSite]
    }

    public static func load(path: String) throws -> Campaign { try loadWithTemplates(path: path).campaign }

    public static func loadWithTemplates(path: String) throws -> Loaded {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxFileBytes else { throw fileError(path, "file is larger than \(maxFileBytes >> 20) MiB") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fileError(path, "cannot read the file") }
        return try parseWithTemplates(bytes: [UInt8](data), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Campaign {
        try parseWithTemplates(bytes: Array(text.utf8), file: file).campaign
    }

    public static func parse(bytes: [UInt8], file: String) throws -> Campaign {
        try parseWithTemplates(bytes: bytes, file: file).campaign
    }

    public static func parseWithTemplates(bytes: [UInt8], file: String) throws -> Loaded {
        let root: YAMLNode?
        do { root = try YAMLReader().parse(bytes) } catch {
            throw SenderError.located([Diagnostic(at: SourceLocation(file: file, line: error.line, column: error.column), path: "file", error.message)])
        }
        guard let root, !root.isNull else { throw fileError(file, "the file is empty: a campaign needs 'campaign' and 'steps'") }
        let ctx = DecodeContext(file: file)
        var sites: [TemplateSite] = []
        let campaign = decode(root, ctx, &sites)
        guard let campaign, !ctx.diagnostics.contains(where: { $0.severity == .error }) else {
            throw SenderError.located(ctx.diagnostics.sorted())
        }
        return Loaded(campaign: campaign, templates: sites)
    }

    static func fileError(_ file: String, _ message: String) -> SenderError {
        .located([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), path: "file", message)])
    }

    static func decode(_ root: YAMLNode, _ ctx: DecodeContext, _ sites: inout [TemplateSite]) -> Campaign? {
        guard let m = MappingReader(root, path: "", ctx: ctx, allowed: keys, what: "a campaign (campaign, window, stop_on, steps)") else { return nil }
        let id = m.required("campaign").flatMap { name($0, m.child("campaign"), ctx) }
        var window = WeeklyWindow.always, zone = "UTC", inheritsZone = false, recipientLocal: Bool? = nil
        if let n = m.optional("window"), let w = ctx.sendingWindow(n, path: m.child("window"), timeZoneRequired: false) {
            window = WeeklyWindow(w)
            if w.timeZone.isEmpty { inheritsZone = true } else { zone = w.timeZone }
            // The inventory's default (false): the window's zone for everyone.
            recipientLocal = w.recipientLocal
        }
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
                if let s = step(item, FieldPath.index(m.child("steps"), i), first: i == 0, ctx, &sites) { steps.append(s) }
            }
        }
        guard let id else { return nil }
        var c = Campaign(id: id, steps: steps, window: window, defaultTimeZone: zone, stopOnReply: stopOnReply, stopOnBounce: stopOnBounce,
                         inheritsWindow: !m.has("window"), inheritsTimeZone: m.has("window") && inheritsZone ? true : nil)
        c.recipientLocal = recipientLocal
        return c
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

    static func step(_ node: YAMLNode, _ path: String, first: Bool, _ ctx: DecodeContext, _ sites: inout [TemplateSite]) -> CampaignStep? {
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
            // Our own reading first: it says where and what in words; the
            // library's parse stays the last word on what renders.
            do {
                let uses = try TemplateVariables.scan(template)
                _ = try MustacheTemplate(string: template)
                sites.append(TemplateSite(path: m.child(key), line: ctx.location(n).line, variables: uses))
            } catch let p as TemplateVariables.Problem {
                ctx.error(n, m.child(key), "invalid Mustache template at \(p)")
            } catch {
                ctx.error(n, m.child(key), "invalid Mustache template: it does not parse (check that every {{ has its }} and every {{#section}} its {{/section}})")
            }
        }
        guard let subject, let text else { return nil }
        return CampaignStep(delay: delay, subject: subject, text: text, html: html)
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
