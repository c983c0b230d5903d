import DNSRecords
import Providers

/// The cached mail observations read without `JSONDecoder` (see
/// `CachedJSONDecodable`): the synthesized `Codable` keys, optionals absent
/// or null as `decodeIfPresent` reads them.
extension MailgunDomainReading: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var domain: ObservedMailgunDomain?
        try r.object { r, key in
            if key == "domain" { domain = try r.null() ? nil : ObservedMailgunDomain(cachedJSON: &r) } else { try r.skipValue() }
        }
        self.init(domain: domain)
    }
}

extension ObservedMailgunDomain: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var account: String?, region: MailgunRegion?, state: String?, dkimSelector: String?, dkimValue: String?
        var credentials: [String]?, webhooks: [String: [String]]?
        try r.object { r, key in
            switch key {
            case "account": account = try r.string()
            case "region": region = try MailgunRegion(cachedJSON: &r)
            case "state": state = try r.string()
            case "dkimSelector": dkimSelector = try r.null() ? nil : r.string()
            case "dkimValue": dkimValue = try r.null() ? nil : r.string()
            case "credentials": credentials = try r.strings()
            case "webhooks":
                var hooks: [String: [String]] = [:]
                try r.object { r, event in hooks[event] = try r.strings() }
                webhooks = hooks
            default: try r.skipValue()
            }
        }
        guard let account else { throw r.missing("account") }
        guard let region else { throw r.missing("region") }
        guard let state else { throw r.missing("state") }
        guard let credentials else { throw r.missing("credentials") }
        guard let webhooks else { throw r.missing("webhooks") }
        self.init(account: account, region: region, state: state, dkimSelector: dkimSelector, dkimValue: dkimValue,
                  credentials: credentials, webhooks: webhooks)
    }
}

extension MailgunRoutesReading: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var account: String?, region: MailgunRegion?, routes: [MailgunRoute]?
        try r.object { r, key in
            switch key {
            case "account": account = try r.string()
            case "region": region = try MailgunRegion(cachedJSON: &r)
            case "routes": routes = try r.list(MailgunRoute.self)
            default: try r.skipValue()
            }
        }
        guard let account else { throw r.missing("account") }
        guard let region else { throw r.missing("region") }
        guard let routes else { throw r.missing("routes") }
        self.init(account: account, region: region, routes: routes)
    }
}

extension ZohoDomainReading: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var domain: ObservedZohoDomain?
        try r.object { r, key in
            if key == "domain" { domain = try r.null() ? nil : ObservedZohoDomain(cachedJSON: &r) } else { try r.skipValue() }
        }
        self.init(domain: domain)
    }
}

extension ObservedZohoDomain: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var account: String?, orgID: String?, verified: Bool?, hostingEnabled: Bool?, verificationCode: String?
        var dkim: [ObservedZohoDKIM]?, users: [ObservedZohoUser]?
        try r.object { r, key in
            switch key {
            case "account": account = try r.string()
            case "orgID": orgID = try r.string()
            case "verified": verified = try r.bool()
            case "hostingEnabled": hostingEnabled = try r.bool()
            case "verificationCode": verificationCode = try r.null() ? nil : r.string()
            case "dkim": dkim = try r.list(ObservedZohoDKIM.self)
            case "users": users = try r.list(ObservedZohoUser.self)
            default: try r.skipValue()
            }
        }
        guard let account else { throw r.missing("account") }
        guard let orgID else { throw r.missing("orgID") }
        guard let verified else { throw r.missing("verified") }
        guard let hostingEnabled else { throw r.missing("hostingEnabled") }
        guard let dkim else { throw r.missing("dkim") }
        guard let users else { throw r.missing("users") }
        self.init(account: account, orgID: orgID, verified: verified, hostingEnabled: hostingEnabled,
                  verificationCode: verificationCode, dkim: dkim, users: users)
    }
}

extension ObservedZohoDKIM: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var id: String?, selector: String?, publicKey: String?, verified: Bool?, isDefault: Bool?
        try r.object { r, key in
            switch key {
            case "id": id = try r.string()
            case "selector": selector = try r.string()
            case "publicKey": publicKey = try r.null() ? nil : r.string()
            case "verified": verified = try r.bool()
            case "isDefault": isDefault = try r.bool()
            default: try r.skipValue()
            }
        }
        guard let id else { throw r.missing("id") }
        guard let selector else { throw r.missing("selector") }
        guard let verified else { throw r.missing("verified") }
        guard let isDefault else { throw r.missing("isDefault") }
        self.init(id: id, selector: selector, publicKey: publicKey, verified: verified, isDefault: isDefault)
    }
}

extension ObservedZohoUser: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var address: String?, zuid: String?, accountID: String?, enabled: Bool?
        try r.object { r, key in
            switch key {
            case "address": address = try r.string()
            case "zuid": zuid = try r.string()
            case "accountID": accountID = try r.string()
            case "enabled": enabled = try r.bool()
            default: try r.skipValue()
            }
        }
        guard let address else { throw r.missing("address") }
        guard let zuid else { throw r.missing("zuid") }
        guard let accountID else { throw r.missing("accountID") }
        guard let enabled else { throw r.missing("enabled") }
        self.init(address: address, zuid: zuid, accountID: accountID, enabled: enabled)
    }
}
