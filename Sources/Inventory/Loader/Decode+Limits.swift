import Foundation

extension FileDecoder {
    func limits(_ node: YAMLNode, path: String) -> Limits? {
        guard let m = MappingReader(node, path: path, ctx: ctx,
                                    allowed: ["mailbox", "group", "window", "disable_bounce_rate", "bounce_min_sample", "complaint_rate"])
        else { return nil }
        var l = Limits(location: ctx.location(node))
        if let n = m.optional("mailbox"), let mm = MappingReader(n, path: m.child("mailbox"), ctx: ctx, allowed: ["daily_max", "interval"]) {
            if let v = mm.optional("daily_max").flatMap({ dailyMax($0, mm.child("daily_max")) }) { l.mailbox.dailyMax = v }
            if let v = mm.optional("interval").flatMap({ ctx.parsed($0, mm.child("interval"), TimeSpanRange.parse) }) { l.mailbox.interval = v }
        }
        if let n = m.optional("group"), let gm = MappingReader(n, path: m.child("group"), ctx: ctx, allowed: ["hourly", "pause"]) {
            if let v = gm.optional("hourly").flatMap({ hourly($0, gm.child("hourly")) }) { l.group.hourly = v }
            if let v = gm.optional("pause").flatMap({ ctx.parsed($0, gm.child("pause"), TimeSpanRange.parse) }) { l.group.pause = v }
        }
        if let n = m.optional("window") { l.window = window(n, path: m.child("window")) }
        if let n = m.optional("disable_bounce_rate"), let v = ctx.parsed(n, m.child("disable_bounce_rate"), Percentage.parse) {
            l.health.disableBounceRate = v
        }
        if let n = m.optional("bounce_min_sample"), let v = ctx.int(n, m.child("bounce_min_sample"), in: 1...1_000_000) {
            l.health.bounceMinimumSample = v
        }
        if let n = m.optional("complaint_rate"), let v = ctx.parsed(n, m.child("complaint_rate"), Percentage.parse) {
            l.health.complaintRate = v
        }
        return l
    }

    func limitOverrides(_ node: YAMLNode, path: String) -> LimitOverrides? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["daily_max", "interval", "hourly", "pause", "window"]) else { return nil }
        var o = LimitOverrides(location: ctx.location(node))
        o.dailyMax = m.optional("daily_max").flatMap { dailyMax($0, m.child("daily_max")) }
        o.interval = m.optional("interval").flatMap { ctx.parsed($0, m.child("interval"), TimeSpanRange.parse) }
        o.hourly = m.optional("hourly").flatMap { hourly($0, m.child("hourly")) }
        o.pause = m.optional("pause").flatMap { ctx.parsed($0, m.child("pause"), TimeSpanRange.parse) }
        o.window = m.optional("window").flatMap { window($0, path: m.child("window")) }
        return o
    }

    private func dailyMax(_ n: YAMLNode, _ p: String) -> Int? { ctx.int(n, p, in: 1...100_000) }
    private func hourly(_ n: YAMLNode, _ p: String) -> Int? { ctx.int(n, p, in: 1...1_000_000) }

    /// `timeZoneRequired: false` (a campaign's window): without `timezone`
    /// the window's zone is empty, meaning the sending group's.
    func window(_ node: YAMLNode, path: String, timeZoneRequired: Bool = true) -> SendingWindow? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["hours", "days", "timezone", "recipient_local"]) else { return nil }
        let hours = m.required("hours").flatMap { ctx.parsed($0, m.child("hours"), SendingWindow.parseHours) }
        var zone: String? = timeZoneRequired ? nil : ""
        if let n = timeZoneRequired ? m.required("timezone") : m.optional("timezone"), let s = ctx.nonEmptyString(n, m.child("timezone")) {
            if TimeZone(identifier: s) != nil, s.contains("/") || s == "UTC" { zone = s }
            else { ctx.error(n, m.child("timezone"), "'\(DecodeContext.clip(s))' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)") }
        }
        var days = Weekday.workdays
        if let n = m.optional("days"), let list = ctx.sequence(n, m.child("days"), what: "a list of days (mon … sun)") {
            var seen: [Weekday] = []
            for (i, item) in list.enumerated() {
                if let d = ctx.word(item, FieldPath.index(m.child("days"), i), Weekday.allCases.map { ($0.rawValue, $0) }, what: "day") {
                    if !seen.contains(d) { seen.append(d) }
                }
            }
            if seen.isEmpty && list.isEmpty { ctx.error(n, m.child("days"), "a window needs at least one day") }
            days = seen.sorted()
        }
        let local = m.optional("recipient_local").flatMap { ctx.bool($0, m.child("recipient_local")) } ?? false
        guard let hours, let zone else { return nil }
        return SendingWindow(startMinute: hours.0, endMinute: hours.1, days: days, timeZone: zone, recipientLocal: local, location: ctx.location(node))
    }
}

extension DecodeContext {
    /// A sending window as `limits.window` spells it (hours, days defaulting
    /// to mon–fri, timezone, recipient_local), for files outside the
    /// inventory that name one: the campaign's `window` (one spelling).
    public func sendingWindow(_ node: YAMLNode, path: String, timeZoneRequired: Bool) -> SendingWindow? {
        FileDecoder(ctx: self).window(node, path: path, timeZoneRequired: timeZoneRequired)
    }
}
