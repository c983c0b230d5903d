import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Zoho emulator's users (§2.5)
extension ZohoRoutes {
    static func userJSON(_ u: ZohoEmulatorState.UserState) -> [String: Any] {
        // zuid as a string, accountId as a number: real answers mix both (§2.2).
        var j: [String: Any] = [
            "zuid": String(u.zuid), "accountId": u.accountId, "accountName": u.address.split(separator: "@").first.map(String.init) ?? "",
            "role": u.role, "mailboxStatus": u.enabled ? "enabled" : "disabled", "type": "ZOHO_ACCOUNT",
            "incomingBlocked": !u.enabled, "tfaEnabled": "false",
            "emailAddress": [["mailId": u.address, "isPrimary": true, "isAlias": false, "isConfirmed": true]],
        ]
        if let f = u.firstName { j["firstName"] = f }
        if let l = u.lastName { j["lastName"] = l }
        if let d = u.displayName { j["displayName"] = d }
        return j
    }

    func addUsers(_ api: RouterGroup<EmulatorContext>) {
        let state = self.state
        api.get("organization/:zoid/accounts") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let start = Int(q["start"] ?? "") ?? 0, limit = Int(q["limit"] ?? "") ?? 10
            let all = await state.users.values.sorted { $0.zuid < $1.zuid }
            return Self.ok(all.dropFirst(start).prefix(limit).map(Self.userJSON))
        }
        api.post("organization/:zoid/accounts") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let u = try? JSONDecoder().decode(ZohoNewUser.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("primaryEmailAddress and password are required")
            }
            let domain = u.primaryEmailAddress.split(separator: "@").last.map(String.init) ?? ""
            guard let d = await state.domain(domain), d.verified else { return Self.invalid("\(domain) is not verified") }
            guard u.password.count >= 8 else { return Self.invalid("Password does not meet the password policy") }
            guard let created = await state.addUser(address: u.primaryEmailAddress, first: u.firstName, last: u.lastName,
                                                    display: u.displayName, role: u.role ?? "member") else {
                return Self.invalid("\(u.primaryEmailAddress) already exists", error: "EMAIL_ALREADY_EXISTS")
            }
            return Self.ok(Self.userJSON(created), code: 201)
        }
        api.put("organization/:zoid/accounts/:account") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let req = try? JSONDecoder().decode(ZohoModeRequest.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("mode is required")
            }
            let account = Int64(context.parameters.get("account") ?? "") ?? -1
            guard var u = await state.users.values.first(where: { $0.accountId == account }) else {
                return Self.invalid("User not found", code: 404)
            }
            guard req.zuid.flatMap({ Int64($0.value) }) == u.zuid else { return Self.invalid("zuid does not match the account") }
            switch req.mode {
            case "disableUser": u.enabled = false
            case "enableUser": u.enabled = true
            default: return Self.invalid("mode \(req.mode) is not supported")
            }
            await state.setUser(u)
            return Self.ok()
        }
        let deleteUsers: @Sendable (Request, EmulatorContext) async throws -> Response = { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let req = try? JSONDecoder().decode(ZohoDeleteUsers.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("accountList or emailList is required")
            }
            var zuids = (req.accountList ?? []).compactMap { Int64($0.value) }
            for e in req.emailList ?? [] {
                if let u = await state.users.values.first(where: { $0.address == e.lowercased() }) { zuids.append(u.zuid) }
            }
            var removed = 0
            for z in zuids where await state.removeUser(zuid: z) { removed += 1 }
            return removed > 0 ? Self.ok() : Self.invalid("User not found", code: 404)
        }
        api.delete("organization/:zoid/accounts", use: deleteUsers)
        api.delete("organization/:zoid/accounts/:account", use: deleteUsers)
    }
}
