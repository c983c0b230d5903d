import Dispatch
import Foundation

/// A small pool of connections to one database. Transactions are retried
/// whole on serialization failures and deadlocks; a connection that broke
/// is dropped rather than handed out again.
public final class PostgresDatabase: @unchecked Sendable {
    public let url: PostgresURL
    let maxConnections: Int
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0

    public init(url: PostgresURL, maxConnections: Int = 4) throws {
        self.url = url
        self.maxConnections = maxConnections
        // Connect once now so a wrong URL fails at open, with its reason.
        checkIn(try PostgresConnection(url: url))
        condition.lock(); open = 1; condition.unlock()
    }

    /// A connection outside the pool, for the caller to keep (a session
    /// advisory lock lives as long as its connection).
    public func dedicatedConnection() throws -> PostgresConnection { try PostgresConnection(url: url) }

    /// `body` on a pooled connection, without a transaction.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let c = try checkOut()
        do {
            let value = try body(c)
            checkIn(c)
            return value
        } catch {
            checkIn(c)
            throw error
        }
    }

    /// `body` in one transaction (READ COMMITTED, with the stores' explicit
    /// row and advisory locks), committed when it returns, rolled back when
    /// it throws; run again from the start on a serialization failure or deadlock.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try withConnection { c in
                    try c.query("BEGIN")
                    do {
                        let value = try body(c)
                        try c.query("COMMIT")
                        return value
                    } catch {
                        if c.isHealthy { _ = try? c.query("ROLLBACK") }
                        throw error
                    }
                }
            } catch let e as PostgresError where e.isRetryable && attempt < 8 {
                usleep(UInt32.random(in: 1_000...20_000) * UInt32(attempt))
            }
        }
    }

    /// `transaction` off Swift's cooperative threads (libpq blocks).
    public func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.transaction(body) })
            }
        }
    }

    /// Reads are transactions too: one consistent snapshot per call.
    public func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await write(body)
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while true {
            if let c = idle.popLast() {
                condition.unlock()
                if c.isHealthy { return c }
                condition.lock(); open -= 1
                continue
            }
            if open < maxConnections {
                open += 1
                condition.unlock()
                do { return try PostgresConnection(url: url) } catch {
                    condition.lock(); open -= 1; condition.signal(); condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ c: PostgresConnection) {
        condition.lock()
        if c.isHealthy { idle.append(c) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }
}
