import Dispatch

extension PostgresDatabase {
    /// `body` on a pooled connection, off Swift's cooperative threads,
    /// without BEGIN and COMMIT: for a single statement, which is atomic and
    /// sees one snapshot by itself (a third of the round trips of `read`).
    @discardableResult
    func statement<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.withConnection(body) })
            }
        }
    }
}
