/// Which domains differ between two compiled desired states: the basis of
/// PR-scoped plans (`--changed-since`), which observe only these.
///
/// A domain differs when anything the compiler derived for it differs: its
/// records, Mailgun domain (credentials, webhooks, routes), Zoho domain and
/// users, group, role, rotation, inbound mode, registration, or any of its
/// mailboxes. Fleet-wide settings (defaults, accounts, warmup schedules) are
/// compiled into each domain, so changing one marks exactly the domains it
/// reaches. Source locations are ignored: moving a domain to another file or
/// shifting its lines is not a change.
public struct ChangedSinceDiff: Sendable, Hashable {
    /// In the newer state only.
    public var added: Set<String>
    /// In the base state only.
    public var removed: Set<String>
    /// In both, with a different desired state.
    public var modified: Set<String>

    public init(added: Set<String> = [], removed: Set<String> = [], modified: Set<String> = []) {
        self.added = added
        self.removed = removed
        self.modified = modified
    }

    /// Domains of the newer state to observe: added or modified.
    public var changed: Set<String> { added.union(modified) }
    /// Every domain that differs, including removed ones.
    public var all: Set<String> { added.union(removed).union(modified) }
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && modified.isEmpty }
}

extension DesiredState {
    /// The domains whose desired state differs from `base` (see `ChangedSinceDiff`).
    public func changedSinceDiff(since base: DesiredState) -> ChangedSinceDiff {
        let mine = comparableDomains()
        let theirs = base.comparableDomains()
        var changes = ChangedSinceDiff()
        for (name, facts) in mine {
            if let old = theirs[name] {
                if old != facts { changes.modified.insert(name) }
            } else {
                changes.added.insert(name)
            }
        }
        for name in theirs.keys where mine[name] == nil { changes.removed.insert(name) }
        return changes
    }

    /// Each domain with its mailboxes, every source location erased, keyed by name.
    func comparableDomains() -> [String: ComparableDomain] {
        var out: [String: ComparableDomain] = [:]
        out.reserveCapacity(domains.count)
        for d in domains { out[d.name] = ComparableDomain(domain: d.erasingLocations(), mailboxes: []) }
        // A mailbox whose domain is not compiled still counts for that name.
        for m in mailboxes { out[m.domain, default: ComparableDomain(domain: nil, mailboxes: [])].mailboxes.append(m.erasingLocations()) }
        return out
    }
}

/// What is compared for one domain (mailboxes keep the state's address order).
/// Plain `Hashable` equality: encoding every domain to compare it cost seconds at 6000 domains.
struct ComparableDomain: Hashable {
    var domain: DesiredDomain?
    var mailboxes: [DesiredMailbox]
}

// Every `SourceLocation` reachable from a domain's desired state, set to `.builtIn`.
// `ChangedSinceDiffTests` checks on the example inventory that none is left
// (a new location-bearing field must be added here).

extension DesiredDomain {
    func erasingLocations() -> DesiredDomain {
        var d = self
        d.location = .builtIn
        d.web?.location = .builtIn
        for i in d.records.indices { d.records[i].location = .builtIn }
        for i in d.mailgun.smtpCredentials.indices { d.mailgun.smtpCredentials[i].passwordSecret?.location = .builtIn }
        return d
    }
}

extension DesiredMailbox {
    func erasingLocations() -> DesiredMailbox {
        var m = self
        m.location = .builtIn
        if let stages = m.warmup?.stages.indices { for i in stages { m.warmup?.stages[i].location = .builtIn } }
        return m
    }
}
