import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's Suppression lists (§1.12).
extension MailgunRoutes {
    static let notFoundText: [MailgunSuppressionList: String] = [
        .bounces: "Address not found in bounces table",
        .unsubscribes: "Address not found in unsubscribers table",
        .complaints: "No spam complaints found for this address",
    ]
    static let removedText: [MailgunSuppressionList: String] = [
        .bounces: "Bounced address has been removed",
        .complaints: "Spam complaint has been removed",
        .unsubscribes: "Unsubscribe event has been removed",
    ]

    func addSuppressions(_ router: Router<EmulatorContext>) {
        let state = self.state
        for list in MailgunSuppressionList.allCases {
            router.get("/v3/:name/\(list.rawValue)") { request, context in
                let name = Self.param(context, "name")
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                let q = MailFormFields.parse(request, body: ByteBuffer())
                let limit = min(Int(q["limit"] ?? "") ?? 100, 1000)
                var items = (s.suppressions[list] ?? [:]).values.sorted { $0.address.lowercased() < $1.address.lowercased() }
                if q["page"] == "next", let after = q["address"]?.lowercased() { items = items.filter { $0.address.lowercased() > after } }
                let page = Array(items.prefix(limit))
                let base = "http://\(request.head.authority ?? "127.0.0.1")/v3/\(name)/\(list.rawValue)"
                let last = page.last.map { "\(base)?page=next&address=\(MailgunForm.escape($0.address))&limit=\(limit)" } ?? "\(base)?page=next&limit=\(limit)"
                return MailReply.json(MailgunSuppressionPage(items: page, paging: MailgunPaging(
                    first: "\(base)?page=first&limit=\(limit)", last: "\(base)?page=last&limit=\(limit)",
                    next: last, previous: "\(base)?page=prev&limit=\(limit)")))
            }
            router.get("/v3/:name/\(list.rawValue)/:address") { _, context in
                let name = Self.param(context, "name"), address = Self.param(context, "address").lowercased()
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                guard let item = s.suppressions[list]?[address] else { return MailReply.message(Self.notFoundText[list]!, status: 404) }
                return MailReply.json(item)
            }
            router.post("/v3/:name/\(list.rawValue)") { request, context in
                let name = Self.param(context, "name")
                guard await state.domain(name) != nil else { return MailReply.message("Domain not found: \(name)", status: 404) }
                let body = try await request.collectedBody(context)
                var items: [MailgunSuppression] = []
                if (request.headers[.contentType] ?? "").contains("json") {
                    guard let batch = try? JSONDecoder().decode([MailgunSuppression].self, from: Data(body.readableBytesView)) else {
                        return MailReply.message("Invalid JSON", status: 400)
                    }
                    if batch.count > 1000 { return MailReply.message("Batch size should be less than 1000", status: 400) }
                    items = batch
                } else {
                    let f = MailFormFields.parse(request, body: body)
                    guard let a = f["address"], a.contains("@") else { return MailReply.message("'address' parameter is not a valid address", status: 400) }
                    let tags = f.all("tag") + f.all("tags")
                    items = [MailgunSuppression(address: a, code: list == .bounces ? LooseString(f["code"] ?? "550") : nil,
                                                error: list == .bounces ? (f["error"] ?? "") : nil,
                                                tags: list == .unsubscribes ? (tags.isEmpty ? ["*"] : tags) : nil,
                                                createdAt: MailReply.rfc2822(Date(), zone: "UTC"))]
                }
                await state.update(name) { s in
                    for i in items { s.suppressions[list, default: [:]][i.address.lowercased()] = i }
                }
                if items.count == 1 {
                    return MailReply.json(MailgunSuppressionWriteResponse(message: "Address has been added to the \(list.rawValue) table",
                                                                          address: items[0].address))
                }
                return MailReply.message("\(items.count) addresses have been added to the \(list.rawValue) table", status: 200)
            }
            router.delete("/v3/:name/\(list.rawValue)/:address") { _, context in
                let name = Self.param(context, "name"), address = Self.param(context, "address")
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                guard s.suppressions[list]?[address.lowercased()] != nil else { return MailReply.message(Self.notFoundText[list]!, status: 404) }
                await state.update(name) { $0.suppressions[list]?[address.lowercased()] = nil }
                return MailReply.json(MailgunSuppressionWriteResponse(message: Self.removedText[list]!, address: address))
            }
        }
    }
}
