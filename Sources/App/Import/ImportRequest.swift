import Foundation
import Reconciler

/// What `reconcile import` is asked to do, as plain values (the CLI's options).
public struct ImportRequest: Sendable {
    /// Whose domain listings decide which domains are imported. Every other
    /// account of the inventory is still read for those domains (a domain
    /// needs its registrar and its Mailgun pool whichever listing found it).
    public enum Source: String, Sendable, CaseIterable {
        case porkbun, namecheap, mailgun, zoho, all
    }

    /// What becomes of a record the tool would not generate.
    public enum UnmanagedRecords: String, Sendable, CaseIterable {
        /// Declared as the domain's `extra_records`: managed from now on.
        case extra
        /// Left out of the inventory (a comment lists it): unmanaged, kept as it is.
        case skip
    }

    /// The accounts-only inventory directory.
    public var inventoryDirectory: String
    /// Where the full inventory is written (must not exist, or be empty).
    public var outDirectory: String
    public var sources: Set<Source>
    public var unmanaged: UnmanagedRecords
    /// Every provider emulated in-process (`--sandbox`): reads the sandbox's saved world.
    public var sandbox: Bool
    /// False lifts the clients' rate budgets; refused unless every API is on loopback.
    public var rateLimits: Bool
    public var concurrency: Int
    /// `--state` as given: the shared rate ledger lives beside that state
    /// file (the one `--plan` uses), so import books against the same
    /// per-account budgets. The observations themselves go to a scratch file.
    public var state: String?
    /// Progress and the estimate, one line at a time (the CLI writes them to stderr).
    public var progress: (@Sendable (String) -> Void)?
    /// Zone reads as they finish (the CLI prints `ObserveProgress.line`).
    public var zoneProgress: (@Sendable (ObserveProgress) -> Void)?

    public init(inventoryDirectory: String = "inventory", outDirectory: String, sources: Set<Source> = [.all],
                unmanaged: UnmanagedRecords = .extra, sandbox: Bool = false, rateLimits: Bool = true, concurrency: Int = 16,
                state: String? = nil, progress: (@Sendable (String) -> Void)? = nil,
                zoneProgress: (@Sendable (ObserveProgress) -> Void)? = nil) {
        self.inventoryDirectory = inventoryDirectory
        self.outDirectory = outDirectory
        self.sources = sources
        self.unmanaged = unmanaged
        self.sandbox = sandbox
        self.rateLimits = rateLimits
        self.concurrency = concurrency
        self.state = state
        self.progress = progress
        self.zoneProgress = zoneProgress
    }

    /// Whether a listing of this account kind decides the domain set.
    func lists(_ kind: String) -> Bool { sources.contains(.all) || sources.contains { $0.rawValue == kind } }
}
