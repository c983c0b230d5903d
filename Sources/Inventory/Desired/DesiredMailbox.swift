/// A mailbox as the sender and monitor see it: where it sends from, whether
/// it is in rotation, and its warmup ramp.
public struct DesiredMailbox: Sendable, Hashable, Codable {
    public var address: String
    public var local: String
    public var domain: String
    public var displayName: String?
    public var group: String
    public var role: DomainRole
    /// Only mailboxes of active domains are picked for sending; spares are
    /// kept warm-ready but idle, retired ones never send.
    public var inRotation: Bool
    public var warmup: DesiredWarmup?
    public var inbound: InboundMode
    public var location: SourceLocation

    public init(address: String, local: String, domain: String, displayName: String?, group: String, role: DomainRole,
                inRotation: Bool, warmup: DesiredWarmup?, inbound: InboundMode, location: SourceLocation) {
        self.address = address
        self.local = local
        self.domain = domain
        self.displayName = displayName
        self.group = group
        self.role = role
        self.inRotation = inRotation
        self.warmup = warmup
        self.inbound = inbound
        self.location = location
    }
}

public struct DesiredWarmup: Sendable, Hashable, Codable {
    public var schedule: String
    public var started: CalendarDate
    public var stages: [WarmupStage]

    public init(schedule: String, started: CalendarDate, stages: [WarmupStage]) {
        self.schedule = schedule
        self.started = started
        self.stages = stages
    }
}
