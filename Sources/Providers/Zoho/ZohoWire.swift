/// Zoho Mail wire shapes (mail-platforms.md §2.2–2.5), shared by client and emulator.

/// `{"status": {"code", "description"}, "data": ...}` — every answer. Failures can
/// hide inside a 200 (a false flag in `data`), so callers check both.
public struct ZohoEnvelope<T: Codable & Sendable>: Sendable, Codable {
    public var status: ZohoStatus
    public var data: T?
    public init(status: ZohoStatus, data: T?) { self.status = status; self.data = data }
}

public struct ZohoStatus: Sendable, Hashable, Codable {
    public var code: Int
    public var description: String
    public var message: String?
    public init(code: Int, description: String, message: String? = nil) {
        self.code = code; self.description = description; self.message = message
    }
}

/// The `data` of an error answer: `moreInfo` (documented) and `error` machine codes ([3P]).
public struct ZohoErrorData: Sendable, Hashable, Codable {
    public var moreInfo: String?
    public var error: String?
    public var message: String?
    public init(moreInfo: String? = nil, error: String? = nil, message: String? = nil) {
        self.moreInfo = moreInfo; self.error = error; self.message = message
    }
}

/// Token endpoint answer. Errors come back as HTTP 200 with an `error` key (§2.1).
public struct ZohoTokenResponse: Sendable, Hashable, Codable {
    public var accessToken: String?
    public var apiDomain: String?
    public var tokenType: String?
    public var expiresIn: Int?
    public var error: String?
    public init(accessToken: String?, apiDomain: String? = nil, tokenType: String? = "Bearer", expiresIn: Int?, error: String? = nil) {
        self.accessToken = accessToken; self.apiDomain = apiDomain; self.tokenType = tokenType
        self.expiresIn = expiresIn; self.error = error
    }
    enum CodingKeys: String, CodingKey {
        case error
        case accessToken = "access_token"
        case apiDomain = "api_domain"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

public struct ZohoDKIM: Sendable, Hashable, Codable {
    public var dkimId: ZohoID
    public var selector: String
    /// `v=DKIM1; k=rsa; p=...` — published verbatim at `<selector>._domainkey.<domain>`.
    public var publicKey: String?
    public var isDefault: LooseStatus?
    public var isVerified: LooseStatus?
    public var hashType: String?
    public var domainId: ZohoID?
    public init(dkimId: ZohoID, selector: String, publicKey: String?, isDefault: LooseStatus?, isVerified: LooseStatus?,
                hashType: String? = "sha256", domainId: ZohoID? = nil) {
        self.dkimId = dkimId; self.selector = selector; self.publicKey = publicKey; self.isDefault = isDefault
        self.isVerified = isVerified; self.hashType = hashType; self.domainId = domainId
    }
}

/// A domain of the organization. Most fields are optional: the documented sample is truncated.
public struct ZohoDomain: Sendable, Hashable, Codable {
    public var domainName: String
    public var domainId: ZohoID?
    public var zoid: ZohoID?
    public var verificationStatus: LooseStatus?
    public var mxstatus: LooseStatus?
    public var spfstatus: LooseStatus?
    public var dkimstatus: LooseStatus?
    public var mailHostingEnabled: LooseStatus?
    public var isDomainAlias: LooseStatus?
    public var subDomainStripping: LooseStatus?
    public var primary: LooseStatus?
    public var HTMLVerificationCode: String?
    public var CNAMEVerificationCode: String?
    public var createdTime: Int64?
    public var dkimDetailList: [ZohoDKIM]?

    public init(domainName: String, domainId: ZohoID? = nil, zoid: ZohoID? = nil, verificationStatus: LooseStatus? = nil,
                mxstatus: LooseStatus? = nil, spfstatus: LooseStatus? = nil, dkimstatus: LooseStatus? = nil,
                mailHostingEnabled: LooseStatus? = nil, isDomainAlias: LooseStatus? = nil, subDomainStripping: LooseStatus? = nil,
                primary: LooseStatus? = nil, HTMLVerificationCode: String? = nil, CNAMEVerificationCode: String? = nil,
                createdTime: Int64? = nil, dkimDetailList: [ZohoDKIM]? = nil) {
        self.domainName = domainName; self.domainId = domainId; self.zoid = zoid
        self.verificationStatus = verificationStatus; self.mxstatus = mxstatus; self.spfstatus = spfstatus
        self.dkimstatus = dkimstatus; self.mailHostingEnabled = mailHostingEnabled; self.isDomainAlias = isDomainAlias
        self.subDomainStripping = subDomainStripping; self.primary = primary
        self.HTMLVerificationCode = HTMLVerificationCode; self.CNAMEVerificationCode = CNAMEVerificationCode
        self.createdTime = createdTime; self.dkimDetailList = dkimDetailList
    }

    public var isVerified: Bool { verificationStatus?.isTrue ?? false }
}

/// `data` of the list call: `{"domainVO": [...]}`.
public struct ZohoDomainList: Sendable, Hashable, Codable {
    public var domainVO: [ZohoDomain]
    public init(domainVO: [ZohoDomain]) { self.domainVO = domainVO }
}

/// `data` of the verify modes. Each mode fills one flag; failures are HTTP 200 with a false flag.
public struct ZohoVerifyResult: Sendable, Hashable, Codable {
    public var status: LooseStatus?
    public var mxstatus: LooseStatus?
    public var spfstatus: LooseStatus?
    public var dkimstatus: LooseStatus?
    public var message: String?
    public var error: String?
    public var moreInfo: String?
    public init(status: LooseStatus? = nil, mxstatus: LooseStatus? = nil, spfstatus: LooseStatus? = nil,
                dkimstatus: LooseStatus? = nil, message: String? = nil, error: String? = nil, moreInfo: String? = nil) {
        self.status = status; self.mxstatus = mxstatus; self.spfstatus = spfstatus; self.dkimstatus = dkimstatus
        self.message = message; self.error = error; self.moreInfo = moreInfo
    }
}

public struct ZohoEmailAddress: Sendable, Hashable, Codable {
    public var mailId: String
    public var isPrimary: LooseStatus?
    public var isAlias: LooseStatus?
    public var isConfirmed: LooseStatus?
    public init(mailId: String, isPrimary: LooseStatus?, isAlias: LooseStatus? = .bool(false), isConfirmed: LooseStatus? = .bool(true)) {
        self.mailId = mailId; self.isPrimary = isPrimary; self.isAlias = isAlias; self.isConfirmed = isConfirmed
    }
}

/// A user (mailbox). `zuid` ≠ `accountId`: both are kept (§2.5).
public struct ZohoUser: Sendable, Hashable, Codable {
    public var zuid: ZohoID
    public var accountId: ZohoID
    public var primaryEmailAddress: String?
    public var mailboxAddress: String?
    public var emailAddress: [ZohoEmailAddress]?
    public var displayName: String?
    public var firstName: String?
    public var lastName: String?
    public var role: String?
    public var mailboxStatus: String?
    public var accountEnabled: LooseStatus?
    public var incomingBlocked: LooseStatus?

    public init(zuid: ZohoID, accountId: ZohoID, primaryEmailAddress: String?, mailboxAddress: String? = nil,
                emailAddress: [ZohoEmailAddress]? = nil, displayName: String? = nil, firstName: String? = nil,
                lastName: String? = nil, role: String? = nil, mailboxStatus: String? = nil,
                accountEnabled: LooseStatus? = nil, incomingBlocked: LooseStatus? = nil) {
        self.zuid = zuid; self.accountId = accountId; self.primaryEmailAddress = primaryEmailAddress
        self.mailboxAddress = mailboxAddress; self.emailAddress = emailAddress; self.displayName = displayName
        self.firstName = firstName; self.lastName = lastName; self.role = role; self.mailboxStatus = mailboxStatus
        self.accountEnabled = accountEnabled; self.incomingBlocked = incomingBlocked
    }

    /// The primary address: the `emailAddress` item with `isPrimary: true`, else the older fields.
    public var address: String? {
        emailAddress?.first(where: { $0.isPrimary?.isTrue == true })?.mailId ?? primaryEmailAddress ?? mailboxAddress
    }

    /// Enabled unless the status says otherwise (`mailboxStatus` is `"enabled"` on live users).
    public var isEnabled: Bool {
        if let s = mailboxStatus { return s.lowercased() == "enabled" }
        return accountEnabled?.isTrue ?? true
    }
}

public struct ZohoNewUser: Sendable, Hashable, Codable {
    public var primaryEmailAddress: String
    public var password: String
    public var firstName: String?
    public var lastName: String?
    public var displayName: String?
    public var role: String?
    public var oneTimePassword: Bool?
    public init(primaryEmailAddress: String, password: String, firstName: String? = nil, lastName: String? = nil,
                displayName: String? = nil, role: String? = "member", oneTimePassword: Bool? = false) {
        self.primaryEmailAddress = primaryEmailAddress; self.password = password; self.firstName = firstName
        self.lastName = lastName; self.displayName = displayName; self.role = role; self.oneTimePassword = oneTimePassword
    }
}

/// The `PUT` bodies of domain and user operations: one `mode` plus its fields.
public struct ZohoModeRequest: Sendable, Hashable, Codable {
    public var mode: String
    public var dkimId: ZohoID?
    public var selector: String?
    public var isDefault: Bool?
    public var keySize: Int?
    public var zuid: ZohoID?
    public var blockIncoming: Bool?
    public var unblockIncoming: Bool?
    public var removeMailforward: Bool?
    public var removeGroupMembership: Bool?
    public var removeAlias: Bool?
    public init(mode: String, dkimId: ZohoID? = nil, selector: String? = nil, isDefault: Bool? = nil, keySize: Int? = nil,
                zuid: ZohoID? = nil, blockIncoming: Bool? = nil, unblockIncoming: Bool? = nil,
                removeMailforward: Bool? = nil, removeGroupMembership: Bool? = nil, removeAlias: Bool? = nil) {
        self.mode = mode; self.dkimId = dkimId; self.selector = selector; self.isDefault = isDefault
        self.keySize = keySize; self.zuid = zuid; self.blockIncoming = blockIncoming; self.unblockIncoming = unblockIncoming
        self.removeMailforward = removeMailforward; self.removeGroupMembership = removeGroupMembership; self.removeAlias = removeAlias
    }
}

/// `DELETE .../accounts` body: the body decides who is deleted.
public struct ZohoDeleteUsers: Sendable, Hashable, Codable {
    public var accountList: [ZohoID]?
    public var emailList: [String]?
    public init(accountList: [ZohoID]? = nil, emailList: [String]? = nil) { self.accountList = accountList; self.emailList = emailList }
}

public struct ZohoAddDomain: Sendable, Hashable, Codable {
    public var domainName: String
    public init(domainName: String) { self.domainName = domainName }
}
