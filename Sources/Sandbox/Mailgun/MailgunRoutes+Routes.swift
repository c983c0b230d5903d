import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's Routes (§1.13).
extension MailgunRoutes {
    static func validExpression(_ e: String) -> Bool {
        let t = e.trimmingCharacters(in: .whitespaces)
        return t == "catch_all()" || t.hasPrefix("match_recipient(") || t.hasPrefix("match_header(")
    }

    static func validAction(_ a: String) -> Bool {
        a == "stop()" || a.hasPrefix("forward(") || a.hasPrefix("store(")
    }

    func addRoutes(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v3/routes") { request, _ in
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 100, 1000), skip = Int(q["skip"] ?? "") ?? 0
            let all = await state.routes
            return MailReply.json(MailgunRouteList(totalCount: all.count, items: Array(all.dropFirst(skip).prefix(limit))))
        }
        router.get("/v3/routes/:id") { _, context in
            let id = Self.param(context, "id")
            guard let r = await state.routes.first(where: { $0.id == id }) else { return MailReply.message("Route not found", status: 404) }
            return MailReply.json(MailgunRouteResponse(message: nil, route: r))
        }
        router.post("/v3/routes") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard let expr = f["expression"], Self.validExpression(expr) else {
                return MailReply.message("Invalid expression", status: 400)
            }
            let actions = f.all("action")
            guard !actions.isEmpty, actions.allSatisfy(Self.validAction) else { return MailReply.message("Invalid action", status: 400) }
            let route = MailgunRoute(id: await state.nextID(), priority: Int(f["priority"] ?? "0") ?? 0,
                                     description: f["description"] ?? "", expression: expr, actions: actions,
                                     createdAt: MailReply.rfc2822(Date()))
            await state.addRoute(route)
            return MailReply.json(MailgunRouteResponse(message: "Route has been created", route: route))
        }
        router.put("/v3/routes/:id") { request, context in
            let id = Self.param(context, "id")
            guard var r = await state.routes.first(where: { $0.id == id }) else { return MailReply.message("Route not found", status: 404) }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            if let e = f["expression"] {
                guard Self.validExpression(e) else { return MailReply.message("Invalid expression", status: 400) }
                r.expression = e
            }
            if f.has("action") {
                let actions = f.all("action")
                guard actions.allSatisfy(Self.validAction) else { return MailReply.message("Invalid action", status: 400) }
                r.actions = actions
            }
            if let p = f["priority"] { r.priority = Int(p) ?? r.priority }
            if let d = f["description"] { r.description = d }
            await state.replaceRoute(r)
            // Recorded shape: the route fields flat, plus `message`.
            return MailReply.object(["id": r.id, "priority": r.priority, "description": r.description, "expression": r.expression,
                                     "actions": r.actions, "created_at": r.createdAt ?? "", "message": "Route has been updated"])
        }
        router.delete("/v3/routes/:id") { _, context in
            let id = Self.param(context, "id")
            guard await state.deleteRoute(id) else { return MailReply.message("Route not found", status: 404) }
            return MailReply.object(["id": id, "message": "Route has been deleted"])
        }
    }
}
