import Sender
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

    public static let webhookRejectsKey = "webhook-rejects-spiking"
    public static let senderStalledKey = "sender-stalled"

    /// `rejected` refusals (signature, freshness, format) of webhooks and
    /// forwarded replies within the last `window` seconds: `threshold` or
    /// more opens the condition; it clears below half of it, so a rate
    /// hovering at the threshold does not flap.
    public static func webhookRejects(_ rejected: Int, window: Double, threshold: Int) -> AlertChange? {
        if rejected >= threshold {
            return .open(key: webhookRejectsKey, summary: "webhook rejects spiking: \(rejected) refused in the last \(Int(window)) s "
                + "(threshold \(threshold)); see serve's log for the reasons")
        }
        if rejected < max(1, threshold / 2) {
            return .clear(key: webhookRejectsKey, summary: "webhook rejects back to \(rejected) in the last \(Int(window)) s")
        }
        return nil
    }

    /// The sender (in this process) stalled: its loop has not gone round for
    /// `after` seconds, or it has kept trying for `after` seconds — mail was
    /// due and admitted inside its window — and nothing got through.
    public static func senderStall(_ p: SenderPulse.Snapshot, now: Double, after: Double) -> AlertChange {
        if now - p.lastBeat > after {
            return .open(key: senderStalledKey, summary: "sender stalled: its loop has not run for \(Int(now - p.lastBeat)) s")
        }
        if let since = p.failingSince, now - since > after, let last = p.lastAttempt, now - last <= after {
            return .open(key: senderStalledKey, summary: "sender stalled: mail is due and nothing went out for \(Int(now - since)) s"
                + (p.lastFailure.map { " (last attempt: \($0))" } ?? ""))
        }
        return .clear(key: senderStalledKey, summary: "sender running again")
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
