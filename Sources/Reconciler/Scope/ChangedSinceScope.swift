import Inventory

/// The scope of a PR-scoped plan (`--changed-since REF`): which domains of the
/// current inventory differ from the inventory at REF and are observed, and
/// which are not read at all (the plan lists them as such).
public struct ChangedSinceScope: Sendable, Hashable {
    /// The ref as given (`origin/main`).
    public var ref: String
    /// The commit it resolved to.
    public var commit: String
    /// Current domains to observe: added since REF or with a different desired state.
    public var changed: Set<String>
    /// Domains the inventory at REF had and the current one does not (now unmanaged:
    /// never touched; listed so the plan can say so).
    public var removed: Set<String>
    /// Current domains whose desired state is the same as at REF: not read.
    public var unchanged: Set<String>
    /// Set when every domain counts as changed for a reason other than its own
    /// contents: the inventory directory did not exist at REF, or did not load or
    /// compile there. The plan should print it.
    public var fallback: String?

    public init(ref: String, commit: String, changed: Set<String>, removed: Set<String>, unchanged: Set<String>,
                fallback: String? = nil) {
        self.ref = ref
        self.commit = commit
        self.changed = changed
        self.removed = removed
        self.unchanged = unchanged
        self.fallback = fallback
    }

    /// Whether `domain` is read by the scoped plan.
    public func observes(_ domain: String) -> Bool { changed.contains(domain.lowercased()) }

    /// Current domains not read, sorted (for the plan's "not read" list).
    public var notRead: [String] { unchanged.sorted() }

    /// The line a scoped run prints on stderr: what was read, what was not and why.
    public var note: String {
        var note = "--changed-since \(ref) (\(commit.prefix(12))): \(changed.count) of "
            + "\(changed.count + unchanged.count) domains changed and were read; the other \(unchanged.count) were not"
        if !removed.isEmpty {
            note += "; removed from the inventory since (now unmanaged, never touched): " + removed.sorted().joined(separator: ", ")
        }
        if let why = fallback { note += "; every domain counts as changed: \(why)" }
        return note
    }

    /// Every current domain changed (the fallback when REF's inventory is unusable).
    static func everything(ref: String, commit: String, current: DesiredState, because reason: String) -> ChangedSinceScope {
        ChangedSinceScope(ref: ref, commit: commit, changed: Set(current.domains.map(\.name)), removed: [], unchanged: [],
                       fallback: reason)
    }

    /// The scope from the two compiled states.
    static func between(base: DesiredState, current: DesiredState, ref: String, commit: String) -> ChangedSinceScope {
        let diff = current.changedSinceDiff(since: base)
        let currentNames = Set(current.domains.map(\.name))
        return ChangedSinceScope(ref: ref, commit: commit, changed: diff.changed.intersection(currentNames),
                              removed: diff.removed, unchanged: currentNames.subtracting(diff.changed))
    }
}

/// Why `--changed-since` could not decide a scope. The message names the
/// directory or ref and carries git's own words.
public struct ChangedSinceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The inventory directory is not inside a git work tree.
        case notARepository
        /// The ref does not name a commit.
        case unknownRef
        /// git could not be run, or failed reading a tree or a file.
        case git
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "--changed-since: \(message)" }
}
