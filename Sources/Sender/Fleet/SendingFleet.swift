import Foundation
import Providers
import Store

/// The Sender's own narrow input: what the scheduler needs to know about the
/// fleet, independent of the inventory's YAML shape (`InventoryFleet` adapts
/// the inventory to it; tests and `--fleet FILE.json` build it directly).
public struct SendingFleet: Codable, Sendable, Equatable {
    public var groups: [SendingGroup]
    public var mailboxes: [SendingMailbox]
    public var thresholds: HealthBands
    public var unsubscribe: UnsubscribeSettings

    public init(groups: [SendingGroup], mailboxes: [SendingMailbox], thresholds: HealthBands = HealthBands(),
                unsubscribe: UnsubscribeSettings) {
        self.groups = groups; self.mailboxes = mailboxes; self.thresholds = thresholds; self.unsubscribe = unsubscribe
    }

    public func group(named name: String) -> SendingGroup? { groups.first { $0.name == name } }
    public func mailbox(_ address: String) -> SendingMailbox? {
        let a = address.lowercased()
        return mailboxes.first { $0.address == a }
    }

    public static func load(json path: String) throws -> SendingFleet {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let fleet: SendingFleet
        do { fleet = try JSONDecoder().decode(SendingFleet.self, from: data) } catch {
            throw SenderError.invalidInput(file: path, line: nil, field: "fleet", message: "\(error)")
        }
        let problems = fleet.headerProblems().map { SenderError.invalidInput(file: path, line: nil, field: "mailboxes", message: $0.message) }
        guard problems.isEmpty else { throw problems.count == 1 ? problems[0] : SenderError.many(problems) }
        return fleet
    }

    /// Mailboxes whose `From:` header cannot be written (a display name with
    /// a control character, an address that is not plain ASCII): caught when
    /// the fleet is loaded, not as a rejected message per send.
    public func headerProblems() -> [(address: String, message: String)] {
        mailboxes.compactMap { m in
            var w = HeaderWriter()
            do { try w.mailbox("From", address: m.address, displayName: m.displayName, source: "sending mailbox"); return nil } catch {
                let what = if case .invalidInput(_, _, _, let message)? = error as? SenderError { message } else { "\(error)" }
                return (m.address, "mailbox \(m.address): no From header can be written with it: "
                        + what.replacingOccurrences(of: "; the message was not sent", with: ""))
            }
        }
    }
}

/// A random duration drawn uniformly from `[lower, upper]` seconds each time.
public struct SecondsRange: Codable, Sendable, Equatable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double
    public init(_ lower: Double, _ upper: Double) { self.lower = min(lower, upper); self.upper = max(lower, upper) }
    public var mean: Double { (lower + upper) / 2 }
    public var description: String {
        func f(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v) }
        return lower == upper ? "\(f(lower)) s" : "\(f(lower))–\(f(upper)) s"
    }
}

extension RandomSource {
    /// One draw from the range: a pause or an interval.
    public func uniform(_ r: SecondsRange) -> Double { r.lower + (r.upper - r.lower) * nextUnit() }
}

public struct SendingGroup: Codable, Sendable, Equatable {
    public var name: String
    /// At most this many sends in any sliding hour.
    public var hourlyCap: Int
    /// After every send the whole group waits a random time in this range.
    public var pause: SecondsRange
    public var smtp: SMTPEndpoint?
    /// The inventory's sending window, for campaigns that do not name their own.
    public var window: WeeklyWindow?
    /// The zone of that window for recipients without a time zone.
    public var windowTimeZone: String?
    /// `recipient_local`: false reads the window in `windowTimeZone` for every
    /// recipient, even those with a zone of their own (nil: true).
    public var windowRecipientLocal: Bool?
    /// The pool's Mailgun API, for the HTTP transport.
    public var mailgun: MailgunAPI?

    public init(name: String, hourlyCap: Int, pause: SecondsRange, smtp: SMTPEndpoint? = nil,
                window: WeeklyWindow? = nil, windowTimeZone: String? = nil) {
        self.name = name; self.hourlyCap = hourlyCap; self.pause = pause; self.smtp = smtp
        self.window = window; self.windowTimeZone = windowTimeZone
    }
}

/// A Mailgun account's API: `https://api.mailgun.net` (US), `https://api.eu.mailgun.net` (EU) or an endpoint override.
public struct MailgunAPI: Codable, Sendable, Equatable {
    public var baseURL: String
    /// `env:NAME` of the API key.
    public var apiKey: String
    public init(baseURL: String, apiKey: String) { self.baseURL = baseURL; self.apiKey = apiKey }
}

/// Where a group's pool relays: Mailgun's regional SMTP host (or a test server).
public struct SMTPEndpoint: Codable, Sendable, Equatable {
    /// `smtp://host:587` (STARTTLS is always required).
    public var url: String
    /// Extra CA bundle to trust (tests: the self-signed certificate); verification stays on.
    public var caInfo: String?
    public init(url: String, caInfo: String? = nil) { self.url = url; self.caInfo = caInfo }
}

public enum MailboxRole: String, Codable, Sendable { case active, spare }

public struct SendingMailbox: Codable, Sendable, Equatable {
    public var address: String
    public var displayName: String?
    public var group: String
    public var role: MailboxRole
    public var dailyMax: Int
    /// After a send, this mailbox waits a random time in this range.
    public var interval: SecondsRange
    public var warmup: [Warmup.Stage]
    /// The warmup's first day, `YYYY-MM-DD` (UTC); nil means fully warmed.
    public var warmupStarted: String?
    /// SMTP login for the group's pool (Mailgun credentials are per sending domain).
    public var smtpUsername: String?
    /// A secret reference, `env:NAME`; the value is read at send time and never logged.
    public var smtpPassword: String?
    /// When set, `smtpPassword` names the Mailgun master secret and the login
    /// password is derived from it and the login with this scheme version
    /// (`SMTPPasswordDeriver`), exactly as apply sets it; nil: the reference
    /// holds the password itself.
    public var smtpPasswordDerivation: Int?

    public init(address: String, displayName: String? = nil, group: String, role: MailboxRole = .active, dailyMax: Int,
                interval: SecondsRange, warmup: [Warmup.Stage] = [], warmupStarted: String? = nil,
                smtpUsername: String? = nil, smtpPassword: String? = nil, smtpPasswordDerivation: Int? = nil) {
        self.address = address.lowercased(); self.displayName = displayName; self.group = group; self.role = role
        self.dailyMax = dailyMax; self.interval = interval; self.warmup = warmup; self.warmupStarted = warmupStarted
        self.smtpUsername = smtpUsername; self.smtpPassword = smtpPassword
        self.smtpPasswordDerivation = smtpPasswordDerivation
    }

    public var domain: String { String(address.split(separator: "@").last ?? "") }
}

/// Health bands (sending.md §1.6: the seed's 10 % disable threshold is the hard
/// stop; an earlier band holds the warmup back).
public struct HealthBands: Codable, Sendable, Equatable {
    /// Bounce rate above which a mailbox is disabled (seed: 10 %).
    public var disableBounceRate: Double
    /// Attempts needed in the window before the rate is trusted.
    public var minimumSample: Int
    public var windowDays: Double
    /// Above these rates the warmup stage is held back.
    public var healthyBounceRate: Double
    public var healthyComplaintRate: Double

    public init(disableBounceRate: Double = 0.10, minimumSample: Int = 20, windowDays: Double = 7,
                healthyBounceRate: Double = 0.05, healthyComplaintRate: Double = 0.003) {
        self.disableBounceRate = disableBounceRate; self.minimumSample = minimumSample; self.windowDays = windowDays
        self.healthyBounceRate = healthyBounceRate; self.healthyComplaintRate = healthyComplaintRate
    }
}

public struct UnsubscribeSettings: Codable, Sendable, Equatable {
    /// Public base of the one-click endpoint, e.g. `https://u.example.com/u`.
    public var baseURL: String
    /// `env:NAME` of the HMAC key that makes tokens unforgeable.
    public var secret: String
    public init(baseURL: String, secret: String) { self.baseURL = baseURL; self.secret = secret }
}
