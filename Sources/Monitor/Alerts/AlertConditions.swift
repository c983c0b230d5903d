import Store

/// The conditions the fleet raises, each with its key: one key is one
/// alert that opens once and clears once.
public enum AlertConditions {
    /// A sender event as a condition change: a mailbox disabled by the
    /// health rules (or a webhook) opens `mailbox-disabled:ADDRESS`; the
    /// operator's re-enable clears it.
    public static func fromSendingEvent(_ e: SendingEvent) -> AlertChange? {
        guard let mailbox = e.mailbox else { return nil }
        let key = "mailbox-disabled:\(mailbox)"
        switch e.kind {
        case .mailboxDisabled: return .open(key: key, summary: "mailbox \(mailbox) disabled: \(e.detail)")
        case .mailboxEnabled: return .clear(key: key, summary: "mailbox \(mailbox) enabled again\(e.detail.isEmpty ? "" : ": \(e.detail)")")
        default: return nil
        }
    }

    public static let applyFailedKey = "apply-failed"
    public static let driftFoundKey = "drift-found"

    /// `apply` ended: a failure opens `apply-failed`, a success clears it.
    public static func apply(succeeded: Bool, summary: String) -> AlertChange {
        succeeded ? .clear(key: applyFailedKey, summary: "apply succeeded: \(summary)")
                  : .open(key: applyFailedKey, summary: "apply failed: \(summary)")
    }

    /// `drift` ran: drift found opens `drift-found`, none clears it.
    public static func drift(found: Bool, summary: String) -> AlertChange {
        found ? .open(key: driftFoundKey, summary: summary) : .clear(key: driftFoundKey, summary: "no drift: \(summary)")
    }
}
