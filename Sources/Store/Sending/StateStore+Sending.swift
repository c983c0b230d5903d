extension StateStore {
    /// The sender's store on this state's backend.
    public func sendingStore() -> any SendingStore {
        switch backend {
        case .sqlite: return SQLiteSendingStore(self)
        case .postgres: return PostgresSendingStore(self)
        }
    }
}
