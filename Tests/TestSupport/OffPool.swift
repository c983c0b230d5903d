import Foundation
import Providers

/// Awaits blocking work (a child's pipe read, its exit) on a thread of its
/// own (`Providers.onOwnThread`). On 2 cores the concurrency pool has 2
/// threads: a test that blocks one while it waits for a child (python, curl,
/// Chromium) talking to a server hosted in the test process — whose handlers
/// need a pool thread — starves that server as soon as a second test does
/// the same.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await onOwnThread("test-child") { Result { try body() } }.get()
}
