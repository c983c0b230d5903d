import Foundation

extension StateStore {
    /// The sender's store on this state, whichever backend holds it.
    public func sendingStore() throws -> any SendingStore {
        switch backend {
        case .sqlite: return SQLiteSendingStore(self)
        case .postgres: throw StateFileError.cannotOpen(path: path, reason: "the sender's store on PostgreSQL is not built yet")
        }
    }
}

extension StateFile {
    /// `openSending(path:access:)` for a file; a PostgreSQL state is opened
    /// (and migrated) whatever the access, since a database has no file to create.
    public static func openSending(location: StateLocation, access: Access) throws -> any SendingStore {
        switch location {
        case .file(let path): return try openSending(path: path, access: access)
        case .postgres: return try StateStore(location: location).sendingStore()
        }
    }
}
