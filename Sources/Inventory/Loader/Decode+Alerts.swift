extension FileDecoder {
    func alerts(_ node: YAMLNode, path: String) -> Alerts? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["telegram"]) else { return nil }
        var a = Alerts()
        if let n = m.optional("telegram"), let tm = MappingReader(n, path: m.child("telegram"), ctx: ctx, allowed: ["bot_token", "chat_id", "endpoint"]) {
            let token = tm.required("bot_token").flatMap { ctx.secret($0, tm.child("bot_token")) }
            var chat: String?
            if let c = tm.required("chat_id"), let s = ctx.nonEmptyString(c, tm.child("chat_id")) {
                // mail-platforms.md 3: an integer id (negative for groups) or @channelname.
                let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
                if (!digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }) || (s.hasPrefix("@") && s.count > 1) { chat = s }
                else { ctx.error(c, tm.child("chat_id"), "'\(DecodeContext.clip(s))' is not a Telegram chat id (a number such as -1001234567890, or @channel)") }
            }
            var endpoint: String?
            if let e = tm.optional("endpoint"), let s = ctx.nonEmptyString(e, tm.child("endpoint")) {
                if NameRules.isHTTPURL(s) { endpoint = s } else { ctx.error(e, tm.child("endpoint"), "'\(DecodeContext.clip(s))' is not an http(s) URL") }
            }
            if let token, let chat { a.telegram = TelegramAlerts(botToken: token, chatID: chat, endpoint: endpoint, location: ctx.location(n)) }
        }
        return a
    }

    func monitoring(_ node: YAMLNode, path: String) -> Monitoring? {
        guard let m = MappingReader(node, path: path, ctx: ctx,
                                    allowed: ["dns_check_interval", "dns_verdict_max_age", "probe_interval", "probe_alert_after", "probe_logins_per_round", "reply_poll_interval",
                                              "public_base_url", "unsubscribe_secret", "status_auth",
                                              "blocklists", "blocklist_interval", "expiry_warning"]) else { return nil }
        var mon = Monitoring(location: ctx.location(node))
        for (key, apply) in [("dns_check_interval", { (v: TimeSpan) in mon.dnsCheckInterval = v }),
                             ("probe_interval", { (v: TimeSpan) in mon.probeInterval = v }),
                             ("reply_poll_interval", { (v: TimeSpan) in mon.replyPollInterval = v }),
                             ("blocklist_interval", { (v: TimeSpan) in mon.blocklistInterval = v }),
                             ("expiry_warning", { (v: TimeSpan) in mon.expiryWarning = v })] {
            guard let n = m.optional(key), let v = ctx.parsed(n, m.child(key), TimeSpan.parse) else { continue }
            if v.seconds < 60 { ctx.error(n, m.child(key), "\(v) is too short: at least 1m") } else { apply(v) }
        }
        if let n = m.optional("probe_alert_after"), let v = ctx.int(n, m.child("probe_alert_after"), in: 1...100) { mon.probeAlertAfter = v }
        if let n = m.optional("probe_logins_per_round"), let v = ctx.int(n, m.child("probe_logins_per_round"), in: 1...1000) {
            mon.probeLoginsPerRound = v
        }
        if let n = m.optional("dns_verdict_max_age"), let v = ctx.parsed(n, m.child("dns_verdict_max_age"), TimeSpan.parse) {
            // Shorter than one interval, every verdict is stale before the next check: nothing would send.
            if v < mon.dnsCheckInterval {
                ctx.error(n, m.child("dns_verdict_max_age"), "\(v) is shorter than dns_check_interval (\(mon.dnsCheckInterval)): every verdict would be stale")
            } else { mon.dnsVerdictMaxAge = v }
        }
        if let n = m.optional("public_base_url"), let s = ctx.nonEmptyString(n, m.child("public_base_url")) {
            // Mailgun requires a publicly trusted HTTPS endpoint for webhooks (mail-platforms.md 1.8).
            if NameRules.isHTTPURL(s, httpsOnly: true) { mon.publicBaseURL = s.hasSuffix("/") ? String(s.dropLast()) : s }
            else { ctx.error(n, m.child("public_base_url"), "'\(DecodeContext.clip(s))' is not an https URL") }
        }
        if let n = m.optional("blocklists") { mon.blocklists = blocklists(n, path: m.child("blocklists")) }
        if let n = m.optional("unsubscribe_secret") { mon.unsubscribeSecret = ctx.secret(n, m.child("unsubscribe_secret")) }
        if let n = m.optional("status_auth"), let am = MappingReader(n, path: m.child("status_auth"), ctx: ctx, allowed: ["user", "password"]) {
            var user: String?
            if let u = am.required("user"), let s = ctx.nonEmptyString(u, am.child("user")) {
                // RFC 7617: the user-id of basic auth cannot contain a colon.
                if s.contains(":") || s.contains(where: { $0.isWhitespace }) {
                    ctx.error(u, am.child("user"), "'\(DecodeContext.clip(s))' is not a basic-auth user: no colon or spaces")
                } else { user = s }
            }
            let password = am.required("password").flatMap { ctx.secret($0, am.child("password")) }
            if let user, let password { mon.statusAuth = StatusAuth(user: user, password: password, location: ctx.location(n)) }
        }
        return mon
    }
}
