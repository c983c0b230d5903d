import Providers
import Store

/// A `RateLedger` in the PostgreSQL state: every host using the state books
/// an account's requests against one history (`FileRateLedger` shares it
/// only between the processes of one host).
public struct SharedRateLedger: RateLedger {
    public let store: SharedRateLedgerStore
    /// `<provider>-<hash of the identity>`, as `FileRateLedger` names its file.
    public let account: String

    public init(store: SharedRateLedgerStore, provider: String, identity: String) {
        self.store = store
        self.account = RateLedgerAccount.name(provider: provider, identity: identity)
    }

    public func update<T>(_ body: (inout RateLedgerState) throws -> T) throws -> T {
        do {
            return try store.update(account: account) { grants, pausedUntil in
                var state = RateLedgerState(grants: grants, pausedUntil: pausedUntil)
                defer { grants = state.grants; pausedUntil = state.pausedUntil }
                return try body(&state)
            }
        } catch let e as PostgresError {
            // What the HTTP client reports as a setup problem, not a cancelled wait.
            throw RateLedgerError(path: "\(account) in \(e.server)", reason: e.message, what: "ledger")
        }
    }
}
