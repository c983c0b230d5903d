import Foundation
import Store

/// What the sending loop shows of its life to a watcher in the same process
/// (`serve --send`'s "sender stalled" condition): when its loop last went
/// round, and since when its attempts have been getting nowhere.
public final class SenderPulse: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// The loop's last turn (its creation before the first).
        public var lastBeat: Double
        public var lastAttempt: Double?
        /// The first attempt since the last one the relay answered that it
        /// did not take (an error, a 5xx, a timeout); nil while sends go through.
        public var failingSince: Double?
        public var lastFailure: String?
    }

    private let lock = NSLock()
    private var state: Snapshot

    public init(start: Double) { state = Snapshot(lastBeat: start) }

    public var snapshot: Snapshot { lock.withLock { state } }

    func beat(at: Double) { lock.withLock { state.lastBeat = max(state.lastBeat, at) } }

    /// A settled attempt. Accepted, or rejected by the relay with a code (the
    /// recipient's fault, the relay works), counts as getting through.
    func attempted(_ r: TransportResult, at: Double) {
        lock.withLock {
            state.lastAttempt = at
            if r.state == .accepted || (r.state == .rejected && r.code != nil) {
                state.failingSince = nil
                state.lastFailure = nil
            } else {
                state.failingSince = state.failingSince ?? at
                state.lastFailure = String(r.text.prefix(200))
            }
        }
    }
}
