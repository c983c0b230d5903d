/// Who placed a hold on a domain. Each watcher owns its source: it replaces
/// that source's whole set every round, so a hold is released by the same
/// judge that placed it once its condition passes. A string, not an enum, so
/// a state written by a newer build with a new watcher still reads (and holds).
public struct DomainHoldSource: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The sending preflight: the published DNS does not authenticate the domain's mail.
    public static let dns = DomainHoldSource(rawValue: "dns")
    /// A DNSBL/DBL lists the domain.
    public static let blocklist = DomainHoldSource(rawValue: "blocklist")
    /// Mailgun reports the sending domain disabled or unverified.
    public static let mailgun = DomainHoldSource(rawValue: "mailgun")
}

/// A domain whose mailboxes send nothing for now. Unlike a disabled mailbox
/// (health, re-enabled by a person), a hold lifts by itself when its watcher
/// sees the domain pass again; messages stay planned meanwhile.
public struct DomainHold: Sendable, Equatable, Hashable, Codable {
    public var domain: String
    public var source: DomainHoldSource
    public var reason: String
    /// When the hold was first placed (kept while its reason changes).
    public var since: Double

    public init(domain: String, source: DomainHoldSource, reason: String, since: Double) {
        self.domain = domain.lowercased(); self.source = source; self.reason = reason; self.since = since
    }

    /// "dns: DKIM key at mg._domainkey differs" — what `status` and refusals print.
    public var summary: String { "\(source.rawValue): \(reason)" }
}

/// What one `replaceDomainHolds` changed, for the watcher's log and alerts.
public struct DomainHoldChanges: Sendable, Equatable {
    public var placed: [DomainHold]
    public var released: [DomainHold]
    public init(placed: [DomainHold] = [], released: [DomainHold] = []) { self.placed = placed; self.released = released }
    public var isEmpty: Bool { placed.isEmpty && released.isEmpty }
}

extension DomainHold {
    /// The domain part of a mailbox address, as holds are keyed.
    public static func domain(of mailbox: String) -> String {
        mailbox.split(separator: "@").last.map { $0.lowercased() } ?? mailbox.lowercased()
    }

    /// The diff between a source's current holds and the wanted set
    /// (`domain → reason`), written once for every backend.
    static func changes(current: [DomainHold], wanted: [String: String], source: DomainHoldSource, at: Double)
        -> (keep: [DomainHold], changes: DomainHoldChanges) {
        let mine = Dictionary(current.filter { $0.source == source }.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        let wantedLower = Dictionary(wanted.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        var keep: [DomainHold] = []
        var changes = DomainHoldChanges()
        for (domain, reason) in wantedLower.sorted(by: { $0.key < $1.key }) {
            if var old = mine[domain] {
                old.reason = reason
                keep.append(old)
            } else {
                let h = DomainHold(domain: domain, source: source, reason: reason, since: at)
                keep.append(h); changes.placed.append(h)
            }
        }
        changes.released = mine.values.filter { wantedLower[$0.domain] == nil }.sorted { $0.domain < $1.domain }
        return (keep, changes)
    }
}
