import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's Messages and events (§1.14, §1.11).
extension MailgunRoutes {
    func addMessages(_ router: Router<EmulatorContext>) {
        let state = self.state
        let throttles = self.sendThrottles
        let webhooks = self.webhooks
        router.post("/v3/:name/messages") { request, context in
            let name = Self.param(context, "name")
            if let throttled = Self.sendThrottle(throttles, name: name) { return throttled }
            guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
            let body = try await request.collectedBody(context)
            let f = MailFormFields.parse(request, body: body)
            guard f["from"] != nil else { return MailReply.message("from parameter is missing", status: 400) }
            let (to, refused) = Self.recipients(f, needsContent: true)
            if let refused { return refused }
            let options = f.pairs.filter { $0.0.hasPrefix("o:") || $0.0.hasPrefix("h:") || $0.0.hasPrefix("v:") }
            if options.reduce(0, { $0 + $1.0.utf8.count + $1.1.utf8.count }) > 16 * 1024 {
                return MailReply.message("Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total", status: 400)
            }
            var headers: [String: String] = [:], variables: [String: String] = [:]
            for (k, v) in f.pairs {
                if k.hasPrefix("h:") { headers[String(k.dropFirst(2))] = v }
                if k.hasPrefix("v:") { variables[String(k.dropFirst(2))] = v }
            }
            return await Self.queue(state: state, webhooks: webhooks, domain: s, name: name, fields: f.pairs, to: to, from: f["from"], subject: f["subject"],
                                    tags: Array(f.all("o:tag").prefix(3)), headers: headers, variables: variables)
        }
        // Our own MIME bytes (§1.14): `to` plus a `message` file part; multipart is required (§1.1).
        router.post("/v3/:name/messages.mime") { request, context in
            let name = Self.param(context, "name")
            if let throttled = Self.sendThrottle(throttles, name: name) { return throttled }
            guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
            guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("multipart/form-data") else {
                return MailReply.message("Invalid request content type. Expecting 'multipart/form-data'", status: 400)
            }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            let (to, refused) = Self.recipients(f, needsContent: false)
            if let refused { return refused }
            // The emulator's own wording: the docs name the part but not this error.
            guard let mime = f["message"], !mime.isEmpty else { return MailReply.message("message parameter is missing", status: 400) }
            return await Self.acceptMIME(mime, to: to, fields: f.pairs, domain: s, name: name, state: state, webhooks: webhooks)
        }
        router.get("/v3/:name/events") { request, context in
            let name = Self.param(context, "name")
            guard await state.domain(name) != nil else { return MailReply.message("Domain not found: \(name)", status: 404) }
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 300, 300)
            var items = await state.events(of: name)
            if let mid = q["message-id"] {
                let bare = MailgunMessageID.bare(mid)
                items = items.filter { $0.message?.headers?.messageID == bare }
            }
            if let e = q["event"] { items = items.filter { $0.event == e } }
            if let r = q["recipient"] { items = items.filter { $0.recipient?.lowercased() == r.lowercased() } }
            let skip = Int(q["skip"] ?? "") ?? 0
            let page = Array(items.dropFirst(skip).prefix(limit))
            var nextQuery = q.pairs.filter { $0.0 != "skip" }.map { "\(MailgunForm.escape($0.0))=\(MailgunForm.escape($0.1))" }
            nextQuery.append("skip=\(skip + page.count)")
            let base = "http://\(request.head.authority ?? "127.0.0.1")/v3/\(name)/events"
            // `next` is always present, even when pointless (§1.11): clients stop on an empty page.
            return MailReply.json(MailgunEventPage(items: page, paging: MailgunPaging(
                first: base, last: base, next: "\(base)?\(nextQuery.joined(separator: "&"))", previous: base)))
        }
    }

    /// Our own MIME bytes, from `messages.mime` or SMTP submission (`MailgunSMTPServer`):
    /// Mailgun reads its own headers out of them, then queues as any send.
    static func acceptMIME(_ mime: String, to: [String], fields: [(String, String)], domain s: MailgunEmulatorState.DomainState,
                           name: String, state: MailgunEmulatorState, webhooks: MailgunWebhookDispatcher) async -> Response {
        // Mailgun reads its own headers from the MIME: X-Mailgun-Tag (repeatable) and X-Mailgun-Variables (a JSON object).
        let head = MIMEHeaders.parse(mime)
        var variables: [String: String] = [:]
        if let json = head.first(where: { $0.name.lowercased() == "x-mailgun-variables" })?.value,
           let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] {
            for (k, v) in object { variables[k] = v as? String ?? "\(v)" }
        }
        let tags = head.filter { $0.name.lowercased() == "x-mailgun-tag" }.map(\.value)
        let headers = Dictionary(head.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let subject = head.first { $0.name.lowercased() == "subject" }?.value
        let from = head.first { $0.name.lowercased() == "from" }?.value
        // Assumed, not verified on a real account (sending.md §5.3): the message keeps its own Message-ID.
        let id = head.first { $0.name.lowercased() == "message-id" }.map { MailgunMessageID.bare($0.value) }
        return await queue(state: state, webhooks: webhooks, domain: s, name: name, fields: fields, to: to, from: from, subject: subject,
                           tags: Array(tags.prefix(3)), headers: headers, variables: variables, messageID: id)
    }

    /// A send that passed validation: recorded, with an `accepted` event and,
    /// per recipient, what became of it (`MailgunWebhookDispatcher.fate`, or a
    /// suppression drop), each POSTed to the domain's webhooks for its type.
    static func queue(state: MailgunEmulatorState, webhooks: MailgunWebhookDispatcher, domain s: MailgunEmulatorState.DomainState,
                      name: String, fields: [(String, String)],
                      to: [String], from: String?, subject: String?, tags: [String], headers: [String: String],
                      variables: [String: String], messageID: String? = nil) async -> Response {
        guard s.domain.isActive else {
            return MailReply.message("Domain \(name) is not allowed to send: domain is not verified", status: 403)
        }
        let n = DomainName.normalize(name)
        var bare = "\(Int(Date().timeIntervalSince1970)).\(await state.nextID())@\(n)"
        if let messageID, !messageID.isEmpty { bare = messageID }
        await state.record(.init(id: "<\(bare)>", domain: n, fields: fields, recipients: to, tags: tags,
                                 headers: headers, variables: variables))
        let now = Date().timeIntervalSince1970
        let envelope: [String: MailgunJSON]? = from.map { ["sender": .string($0)] }
        for r in to {
            let suppressed = s.suppressions[.bounces]?[r.lowercased()] != nil || s.suppressions[.complaints]?[r.lowercased()] != nil
                || s.suppressions[.unsubscribes]?[r.lowercased()] != nil
            let msg = MailgunEvent.Message(headers: .init(to: r, from: from, subject: subject, messageID: bare))
            let vars = MailgunUserVariables.values(variables.mapValues { .string($0) })
            func event(_ name: String, _ level: String, severity: String? = nil, reason: String? = nil,
                       status: MailgunEvent.DeliveryStatus? = nil, after: Double) async -> MailgunEvent {
                MailgunEvent(event: name, id: await state.nextID(), timestamp: now + after, logLevel: level, severity: severity,
                             reason: reason, recipient: r, recipientDomain: r.split(separator: "@").last.map(String.init),
                             tags: tags, userVariables: vars, message: msg, deliveryStatus: status, envelope: envelope)
            }
            await state.addEvent(await event("accepted", "info", after: 0), domain: n)
            var outcomes: [(MailgunWebhookType, MailgunEvent)] = []
            if suppressed {
                let reason = s.suppressions[.bounces]?[r.lowercased()] != nil ? "suppress-bounce"
                    : s.suppressions[.complaints]?[r.lowercased()] != nil ? "suppress-complaint" : "suppress-unsubscribe"
                let code = reason == "suppress-bounce" ? 605 : reason == "suppress-complaint" ? 607 : 606
                outcomes.append((.permanentFail, await event("failed", "error", severity: "permanent", reason: reason,
                                                             status: .init(code: code, message: "Not delivering to suppressed address"), after: 0.5)))
            } else {
                let stamp = MailReply.rfc2822(Date(), zone: "UTC")
                switch MailgunWebhookDispatcher.fate(of: r) {
                case .delivered:
                    outcomes.append((.delivered, await event("delivered", "info", status: .init(code: 250, message: "OK"), after: 0.5)))
                case .bounce:
                    outcomes.append((.permanentFail, await event("failed", "error", severity: "permanent", reason: "bounce",
                                                                 status: .init(code: 550, message: "5.1.1 The email account does not exist",
                                                                               attemptNo: 1, enhancedCode: "5.1.1"), after: 0.5)))
                    await state.update(n) { $0.suppressions[.bounces, default: [:]][r.lowercased()] =
                        MailgunSuppression(address: r, code: "550", error: "5.1.1 mailbox does not exist", createdAt: stamp) }
                case .complain:
                    outcomes.append((.delivered, await event("delivered", "info", status: .init(code: 250, message: "OK"), after: 0.5)))
                    outcomes.append((.complained, await event("complained", "warn", after: 1)))
                    await state.update(n) { $0.suppressions[.complaints, default: [:]][r.lowercased()] =
                        MailgunSuppression(address: r, createdAt: stamp) }
                case .deferral:
                    outcomes.append((.temporaryFail, await event("failed", "warn", severity: "temporary", reason: "generic",
                                                                 status: .init(code: 450, message: "4.2.0 Greylisted", retrySeconds: 300), after: 0.5)))
                }
            }
            let hooks = await state.domain(n)?.webhooks ?? [:]
            for (type, e) in outcomes {
                await state.addEvent(e, domain: n)
                webhooks.schedule(e, to: hooks[type.rawValue] ?? [])
            }
        }
        return MailReply.json(MailgunSendResponse(id: "<\(bare)>", message: "Queued. Thank you."))
    }

    /// The sending throttle (`throttleNextSends`) answers before anything is read, as Mailgun's does.
    static func sendThrottle(_ throttles: Locked<[Int]>, name: String) -> Response? {
        guard let status = throttles.withValue({ $0.isEmpty ? nil : $0.removeFirst() }) else { return nil }
        return MailReply.message("Domain \(name) is not allowed to send: account-requests-per-sec limit exceeded, try again after 1 seconds",
                                 status: status)
    }

    /// `to` (repeatable, comma lists) with the documented checks, in Mailgun's order;
    /// the answer to give when one fails.
    static func recipients(_ f: MailFormFields, needsContent: Bool) -> ([String], Response?) {
        let to = f.all("to").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard !to.isEmpty else { return (to, MailReply.message("to parameter is missing", status: 400)) }
        if needsContent && f["text"] == nil && f["html"] == nil {
            return (to, MailReply.message("Need at least one of 'text' or 'html' parameters specified", status: 400))
        }
        if to.count > 1000 { return (to, MailReply.message("Too many recipients, max is 1000", status: 400)) }
        if to.contains(where: { !plausibleAddress($0) }) {
            return (to, MailReply.message("to parameter is not a valid address. please check documentation", status: 400))
        }
        return (to, nil)
    }

    static func plausibleAddress(_ a: String) -> Bool {
        var s = a
        if let lt = s.firstIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt { s = String(s[s.index(after: lt)..<gt]) }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}
