import Store

/// The limit that stopped a group at some moment (the simulator and
/// `capacity` name the binding one).
public enum BlockReason: String, Sendable, CaseIterable, Comparable {
    case groupPause = "group pause"
    case hourlyCap = "group hourly cap"
    case mailboxInterval = "mailbox interval"
    case dailyCap = "mailbox daily cap (warmup)"
    case window = "sending window"
    case noMailbox = "no enabled mailbox"
    case noDemand = "no demand"

    public static func < (a: BlockReason, b: BlockReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One admitted send: every limit allowed it at `at`; the random interval and
/// pause are drawn now so the reservation records them.
public struct Admission: Sendable, Equatable {
    public var row: Int64
    public var email: String
    public var group: String
    public var mailbox: String
    public var at: Double
    public var mailboxNextAt: Double
    public var groupNextAt: Double
    /// The caps the store checks again when it reserves (another sender may have sent meanwhile).
    public var limits: ReservationLimits
    var groupIndex: Int
    var mailboxIndex: Int
    /// Where the message came from in the index: a sticky queue or a fresh bucket.
    var sticky: Bool
    var bucket: Int
}

public enum Decision: Sendable, Equatable {
    case admit(Admission)
    case wait(until: Double, reason: BlockReason)
}
