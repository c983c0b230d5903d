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
        router.post("/v3/:name/messages") { request, context in
            let name = Self.param(context, "name")
            let pending: Int? = throttles.withValue { $0.isEmpty ? nil : $0.removeFirst() }
            if let status = pending {
                return MailReply.message("Domain \(name) is not allowed to send: account-requests-per-sec limit exceeded, try again after 1 seconds",
                                         status: status)
            }
            guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
            let body = try await request.collectedBody(context)
            let f = MailFormFields.parse(request, body: body)
            guard f["from"] != nil else { return MailReply.message("from parameter is missing", status: 400) }
            let to = f.all("to").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard !to.isEmpty else { return MailReply.message("to parameter is missing", status: 400) }
            guard f["text"] != nil || f["html"] != nil else {
                return MailReply.message("Need at least one of 'text' or 'html' parameters specified", status: 400)
            }
            if to.count > 1000 { return MailReply.message("Too many recipients, max is 1000", status: 400) }
            if to.contains(where: { !Self.plausibleAddress($0) }) {
                return MailReply.message("to parameter is not a valid address. please check documentation", status: 400)
            }
            let options = f.pairs.filter { $0.0.hasPrefix("o:") || $0.0.hasPrefix("h:") || $0.0.hasPrefix("v:") }
            if options.reduce(0, { $0 + $1.0.utf8.count + $1.1.utf8.count }) > 16 * 1024 {
                return MailReply.message("Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total", status: 400)
            }
            guard s.domain.isActive else {
                return MailReply.message("Domain \(name) is not allowed to send: domain is not verified", status: 403)
            }
            let n = DomainName.normalize(name)
            let bare = "\(Int(Date().timeIntervalSince1970)).\(await state.nextID())@\(n)"
            var headers: [String: String] = [:], variables: [String: String] = [:]
            for (k, v) in f.pairs {
                if k.hasPrefix("h:") { headers[String(k.dropFirst(2))] = v }
                if k.hasPrefix("v:") { variables[String(k.dropFirst(2))] = v }
            }
            let tags = Array(f.all("o:tag").prefix(3))
            await state.record(.init(id: "<\(bare)>", domain: n, fields: f.pairs, recipients: to, tags: tags,
                                     headers: headers, variables: variables))
            let now = Date().timeIntervalSince1970
            for r in to {
                let suppressed = s.suppressions[.bounces]?[r.lowercased()] != nil || s.suppressions[.complaints]?[r.lowercased()] != nil
                    || s.suppressions[.unsubscribes]?[r.lowercased()] != nil
                let msg = MailgunEvent.Message(headers: .init(to: r, from: f["from"], subject: f["subject"], messageID: bare))
                let vars = MailgunUserVariables.values(variables.mapValues { .string($0) })
                await state.addEvent(MailgunEvent(event: "accepted", id: await state.nextID(), timestamp: now, logLevel: "info",
                                                  recipient: r, tags: tags, userVariables: vars, message: msg), domain: n)
                let outcome: MailgunEvent
                if suppressed {
                    let reason = s.suppressions[.bounces]?[r.lowercased()] != nil ? "suppress-bounce"
                        : s.suppressions[.complaints]?[r.lowercased()] != nil ? "suppress-complaint" : "suppress-unsubscribe"
                    let code = reason == "suppress-bounce" ? 605 : reason == "suppress-complaint" ? 607 : 606
                    outcome = MailgunEvent(event: "failed", id: await state.nextID(), timestamp: now + 0.5, logLevel: "error",
                                           severity: "permanent", reason: reason, recipient: r, tags: tags, userVariables: vars,
                                           message: msg, deliveryStatus: .init(code: code, message: "Not delivering to suppressed address"))
                } else {
                    outcome = MailgunEvent(event: "delivered", id: await state.nextID(), timestamp: now + 0.5, logLevel: "info",
                                           recipient: r, tags: tags, userVariables: vars, message: msg,
                                           deliveryStatus: .init(code: 250, message: "OK"))
                }
                await state.addEvent(outcome, domain: n)
            }
            return MailReply.json(MailgunSendResponse(id: "<\(bare)>", message: "Queued. Thank you."))
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

    static func plausibleAddress(_ a: String) -> Bool {
        var s = a
        if let lt = s.firstIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt { s = String(s[s.index(after: lt)..<gt]) }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}
