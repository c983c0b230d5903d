import Foundation

/// Webhook outcomes since start, for the log and `/metrics`: accepted,
/// duplicates, and rejections by reason.
public final class WebhookCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted = 0
    private var duplicates = 0
    private var rejected: [WebhookRejection: Int] = [:]
    private var unavailable = 0
    /// The same outcomes in `/metrics` (one registry per process).
    let metrics: MonitorMetrics?

    public init(metrics: MonitorMetrics? = nil) { self.metrics = metrics }

    func count(_ v: WebhookVerdict) {
        switch v {
        case .accepted: metrics?.webhookAccepted(kind: "new")
        case .duplicate: metrics?.webhookAccepted(kind: "duplicate")
        case .rejected(let r, _): metrics?.webhookRejected(reason: r.rawValue)
        case .unavailable: metrics?.webhookRejected(reason: "unavailable")
        }
        lock.withLock {
            switch v {
            case .accepted: accepted += 1
            case .duplicate: duplicates += 1
            case .rejected(let r, _): rejected[r, default: 0] += 1
            case .unavailable: unavailable += 1
            }
        }
    }

    public struct Snapshot: Sendable, Equatable {
        public var accepted: Int
        public var duplicates: Int
        public var rejected: [WebhookRejection: Int]
        public var unavailable: Int
        public var totalRejected: Int { rejected.values.reduce(0, +) }
    }

    public var snapshot: Snapshot {
        lock.withLock { Snapshot(accepted: accepted, duplicates: duplicates, rejected: rejected, unavailable: unavailable) }
    }
}
