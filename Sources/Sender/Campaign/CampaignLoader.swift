import Foundation
import Store
import Mustache
import Yams

/// Reads a campaign YAML file; every error names the file, line and field.
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
public enum CampaignLoader {
    struct File: Decodable {
        var campaign: String
        var window: WindowFile?
        var stop_on: [String]?
        var steps: [StepFile]
    }
    struct WindowFile: Decodable {
        var from: String
        var to: String
        var days: [String]?
        var time_zone: String?
    }
    struct StepFile: Decodable {
        var delay: String?
        var subject: String
        var text: String
        var html: String?
    }

    public static func load(path: String) throws -> Campaign {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SenderError.invalidInput(file: path, line: nil, field: "campaign", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Campaign {
        let f: File
        do { f = try YAMLDecoder().decode(File.self, from: text) } catch let e as DecodingError {
            throw locate(e, text: text, file: file)
        } catch let e as YamlError {
            throw syntax(e, file: file) ?? SenderError.invalidInput(file: file, line: nil, field: "yaml", message: "\(e)")
        }
        let root = (try? Yams.compose(yaml: text)) ?? nil
        func line(_ path: [Any]) -> Int? { mark(root, path) }
        var errors: [SenderError] = []
        func fail(_ path: [Any], _ field: String, _ message: String) {
            errors.append(.invalidInput(file: file, line: line(path), field: field, message: message))
        }

        if f.campaign.trimmingCharacters(in: .whitespaces).isEmpty { fail(["campaign"], "campaign", "must not be empty") }
        if f.steps.isEmpty { fail(["steps"], "steps", "at least one step is required") }

        var window = WeeklyWindow.always
        var zone = "UTC"
        if let w = f.window {
            let start = minutes(w.from), end = minutes(w.to)
            if start == nil { fail(["window", "from"], "window.from", "expected HH:MM, got '\(w.from)'") }
            if end == nil { fail(["window", "to"], "window.to", "expected HH:MM (up to 24:00), got '\(w.to)'") }
            if let s = start, let e = end, e <= s { fail(["window", "to"], "window.to", "must be after window.from") }
            var days: [Int] = []
            for (i, d) in (w.days ?? ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]).enumerated() {
                if let n = weekday(d) { days.append(n) } else { fail(["window", "days", i], "window.days[\(i)]", "unknown weekday '\(d)' (use mon … sun)") }
            }
            if let tz = w.time_zone {
                if TimeZone(identifier: tz) == nil { fail(["window", "time_zone"], "window.time_zone", "unknown IANA time zone '\(tz)'") } else { zone = tz }
            }
            window = WeeklyWindow(startMinute: start ?? 0, endMinute: end ?? 1440, weekdays: Array(Set(days)))
        }
        var stopOnReply = false, stopOnBounce = false
        for (i, s) in (f.stop_on ?? ["reply", "bounce"]).enumerated() {
            switch s {
            case "reply": stopOnReply = true
            case "bounce": stopOnBounce = true
            default: fail(["stop_on", i], "stop_on[\(i)]", "unknown stop condition '\(s)' (reply, bounce)")
            }
        }
        var steps: [CampaignStep] = []
        for (i, s) in f.steps.enumerated() {
            var delay = 0.0
            if let d = s.delay {
                if let v = Duration.seconds(d) { delay = v } else { fail(["steps", i, "delay"], "steps[\(i)].delay", "expected a duration like 3d, 12h, 30m, got '\(d)'") }
            } else if i > 0 {
                fail(["steps", i], "steps[\(i)].delay", "later steps need a delay")
            }
            if s.subject.trimmingCharacters(in: .whitespaces).isEmpty { fail(["steps", i, "subject"], "steps[\(i)].subject", "must not be empty") }
            if s.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { fail(["steps", i, "text"], "steps[\(i)].text", "must not be empty") }
            for (key, template) in [("subject", s.subject), ("text", s.text), ("html", s.html ?? "")] {
                do { _ = try MustacheTemplate(string: template) } catch {
                    fail(["steps", i, key], "steps[\(i)].\(key)", "invalid Mustache template: \(error)")
                }
            }
            steps.append(CampaignStep(delay: delay, subject: s.subject, text: s.text, html: s.html))
        }
        if !errors.isEmpty { throw errors.count == 1 ? errors[0] : SenderError.many(errors) }
        return Campaign(id: f.campaign, steps: steps, window: window, defaultTimeZone: zone, stopOnReply: stopOnReply, stopOnBounce: stopOnBounce,
                        inheritsWindow: f.window == nil)
    }

    static func minutes(_ s: String) -> Int? {
        let p = s.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m) else { return nil }
        let v = h * 60 + m
        return v <= 1440 ? v : nil
    }

    static func weekday(_ s: String) -> Int? {
        ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7][s.lowercased().prefix(3).description]
    }

    // MARK: locating errors (swift-stack.md §1)

    static func mark(_ root: Node?, _ path: [Any]) -> Int? {
        guard var node = root else { return nil }
        for key in path {
            if let i = key as? Int, let seq = node.sequence, i < seq.count { node = seq[i] }
            else if let k = key as? String, let map = node.mapping, let child = map[k] { node = child }
            else { break }
        }
        return node.mark?.line
    }

    static func syntax(_ e: YamlError, file: String) -> SenderError? {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .invalidInput(file: file, line: mark.line, field: "yaml", message: "syntax: \(problem)")
        default: return nil
        }
    }

    static func locate(_ error: DecodingError, text: String, file: String) -> SenderError {
        let root = (try? Yams.compose(yaml: text)) ?? nil
        func at(_ path: [CodingKey], _ message: String, extra: String? = nil) -> SenderError {
            let keys: [Any] = path.map { $0.intValue.map { $0 as Any } ?? $0.stringValue as Any }
            var field = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            if let extra { field += (field.isEmpty ? "" : ".") + extra }
            if field.hasPrefix(".") { field.removeFirst() }
            return .invalidInput(file: file, line: mark(root, keys), field: field.isEmpty ? "campaign" : field, message: message)
        }
        switch error {
        case .dataCorrupted(let ctx):
            if let y = ctx.underlyingError as? YamlError, let s = syntax(y, file: file) { return s }
            return at(ctx.codingPath, ctx.debugDescription)
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return at(ctx.codingPath, ctx.debugDescription)
        case .keyNotFound(let key, let ctx):
            return at(ctx.codingPath, "missing key '\(key.stringValue)'", extra: key.stringValue)
        @unknown default:
            return .invalidInput(file: file, line: nil, field: "campaign", message: "\(error)")
        }
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
