/// What one `FleetPlanner.plan` read: the registrar side (listings, zones),
/// the mail platforms, and the record keys the state store says the tool
/// created. Kept with the plan's result so `explain` shows the very values a
/// plan was made from, without reading the providers a second time.
public struct FleetObservations: Sendable {
    public var registrar: RegistrarObserver.Result
    public var mail: MailObservation
    /// Domain → encoded `RecordKey`s (`OwnershipKey`).
    public var owned: [String: Set<String>]

    public init(registrar: RegistrarObserver.Result, mail: MailObservation, owned: [String: Set<String>]) {
        self.registrar = registrar
        self.mail = mail
        self.owned = owned
    }
}
