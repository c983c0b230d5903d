import Foundation

/// An amount of US dollars, kept in whole cents so sums never drift.
public struct USD: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var cents: Int

    public init(cents: Int) { self.cents = cents }

    public static let zero = USD(cents: 0)

    /// Whole cents as one JSON number (`3500` for $35.00).
    public init(from decoder: any Decoder) throws { cents = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(cents)
    }

    public static func < (a: USD, b: USD) -> Bool { a.cents < b.cents }
    public static func + (a: USD, b: USD) -> USD { USD(cents: a.cents + b.cents) }
    public static func - (a: USD, b: USD) -> USD { USD(cents: a.cents - b.cents) }
    public static func * (a: USD, n: Int) -> USD { USD(cents: a.cents * n) }

    /// `$1,234.50`; negative amounts as `-$3.00`.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let c = abs(cents)
        var whole = String(c / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let frac = c % 100
        return "\(sign)$\(whole)\(grouped).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// A decimal amount with at most two decimals (`35`, `9.68`, `0.5`),
    /// as the inventory writes prices and the registrars' APIs print them.
    public static func parse(_ text: String) -> Result<USD, ValueParseError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        let fail = ValueParseError("'\(t.count > 40 ? String(t.prefix(40)) + "…" : t)' is not an amount in USD: write a number with at most two decimals, e.g. 35 or 9.68")
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.count <= 9,
              wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int(wholeText) else { return .failure(fail) }
        var cents = whole * 100
        if parts.count == 2 {
            let frac = parts[1]
            guard !frac.isEmpty, frac.count <= 2, frac.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(fail) }
            cents += Int(frac.count == 1 ? frac + "0" : String(frac))!
        }
        return .success(USD(cents: cents))
    }
}

/// A Mailgun subscription: its monthly price and the messages it includes.
public struct MailgunPlan: Sendable, Hashable, Codable {
    public var name: String
    public var monthly: USD
    public var emailsPerMonth: Int
    public var location: SourceLocation

    public init(name: String, monthly: USD, emailsPerMonth: Int, location: SourceLocation = .builtIn) {
        self.name = name
        self.monthly = monthly
        self.emailsPerMonth = emailsPerMonth
        self.location = location
    }
}

/// The Zoho Mail plan every mailbox is on, per Zoho organisation (account).
public struct ZohoPlan: Sendable, Hashable, Codable {
    public var name: String
    public var perMailboxMonthly: USD
    /// Users the plan allows in one organisation; nil: no limit.
    public var maxMailboxes: Int?
    public var location: SourceLocation

    public init(name: String, perMailboxMonthly: USD, maxMailboxes: Int?, location: SourceLocation = .builtIn) {
        self.name = name
        self.perMailboxMonthly = perMailboxMonthly
        self.maxMailboxes = maxMailboxes
        self.location = location
    }
}

/// The price table `reconcile cost` works from (`costs:`). Registrar renewals
/// come from the registrars' pricing APIs; everything here has a built-in
/// default, dated by `pricesAsOf`, which any key overrides.
public struct Costs: Sendable, Hashable, Codable {
    /// When the plan prices below were taken (the built-in ones, or yours).
    public var pricesAsOf: CalendarDate
    /// Mailgun's plans; each Mailgun account gets the cheapest that holds its planned volume.
    public var mailgunPlans: [MailgunPlan]
    /// Pins every Mailgun account to this plan instead of choosing one.
    public var mailgunPlan: String?
    public var zoho: ZohoPlan
    /// The monthly total above which `cost` warns; nil: no budget.
    public var budgetMonthly: USD?
    /// A yearly renewal price per TLD (`com`, `co.uk`) that wins over the registrar's API.
    public var renewalOverrides: [String: USD]
    /// The keys the inventory wrote (the rest are defaults), for the report's notes.
    public var written: Set<String>
    public var location: SourceLocation

    public init(pricesAsOf: CalendarDate = Costs.defaultDate, mailgunPlans: [MailgunPlan] = Costs.defaultMailgunPlans,
                mailgunPlan: String? = nil, zoho: ZohoPlan = Costs.defaultZoho, budgetMonthly: USD? = nil,
                renewalOverrides: [String: USD] = [:], written: Set<String> = [], location: SourceLocation = .builtIn) {
        self.pricesAsOf = pricesAsOf
        self.mailgunPlans = mailgunPlans
        self.mailgunPlan = mailgunPlan
        self.zoho = zoho
        self.budgetMonthly = budgetMonthly
        self.renewalOverrides = renewalOverrides
        self.written = written
        self.location = location
    }

    /// The public list prices as published in late 2025 (Mailgun's pricing
    /// page: Basic, Foundation, Scale; Zoho Mail Lite billed yearly, no user
    /// limit below Zoho's 1,000-user custom plans). Check your own
    /// account's prices and write them under `costs:`.
    public static let defaultDate = CalendarDate(year: 2025, month: 12, day: 1)!
    public static let defaultMailgunPlans = [
        MailgunPlan(name: "basic", monthly: USD(cents: 1500), emailsPerMonth: 10_000),
        MailgunPlan(name: "foundation", monthly: USD(cents: 3500), emailsPerMonth: 50_000),
        MailgunPlan(name: "scale", monthly: USD(cents: 9000), emailsPerMonth: 100_000),
    ]
    public static let defaultZoho = ZohoPlan(name: "mail-lite", perMailboxMonthly: USD(cents: 100), maxMailboxes: 1000)
}
