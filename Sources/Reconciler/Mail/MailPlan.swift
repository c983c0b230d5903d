import Inventory

/// What `PlanBuilder.addMail` learned about a domain's mail resources: the
/// values the compiler's `afterApply` records wait for, and the actions the
/// follow-ups depend on.
public struct MailPlan: Sendable {
    public var domain: String
    /// Set when the domain's mail side could not be observed. The domain is
    /// already marked blocked in the builder: skip its zone (a record whose
    /// value comes from the provider would otherwise look undesired) and its
    /// follow-ups (`addMailFollowUps` does nothing for it).
    public var blocked: String?
    var values: [String: PlanValue] = [:]
    /// `create:<domain>/mailgunDomain/`, when planned.
    public var mailgunCreate: ActionID?
    /// `create:<domain>/zohoDomain/`, when planned.
    public var zohoCreate: ActionID?
    /// `create:<domain>/zohoDomain/dkim:<selector>`, when planned.
    public var zohoDKIMCreate: ActionID?
    /// The DKIM key is planned behind this plan's own Zoho verification
    /// (the domain is created or not verified yet): its record goes in a
    /// second registrar write, `deferredRecords`, that the verification
    /// must not wait for.
    public var zohoDKIMAfterVerify = false
    public var deferredRecords: Set<ActionID> = []

    public init(domain: String, blocked: String? = nil) {
        self.domain = domain
        self.blocked = blocked
    }

    /// For `TargetRecord.from(records, resolve:)`: the observed value when the
    /// provider has it (so records diff against what the provider generated —
    /// no false drift), a `.knownAfterApply` reference to the action that
    /// generates it, or nil (not planned: the Zoho DKIM key of a domain another
    /// process verifies, or with no follow-ups).
    ///
    /// `AfterApply.zohoVerificationCode` resolves to the whole apex TXT value
    /// (`zoho-verification=<code>.zmverify.zoho.<dc>`), as the record needs it.
    public func resolve(_ source: String) -> PlanValue? { values[source] }
}

/// Output names of mail actions (`StepResult.done(outputs:)`, journaled).
/// None is secret.
public enum MailOutput {
    /// Mailgun domain create and Zoho DKIM create: the DKIM TXT value.
    public static let dkimValue = "dkim.value"
    /// Zoho domain create: the apex TXT value proving ownership.
    public static let verificationTXT = "verification.txt"
    /// SMTP credential create/update: the password scheme version set (not the password).
    public static let passwordVersion = "password.version"
}
