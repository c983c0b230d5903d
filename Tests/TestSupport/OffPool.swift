import Foundation

/// Runs blocking work (a child's pipe read, its exit) on a thread of its own
/// and awaits it. On 2 cores Swift's cooperative pool has 2 threads: a test
/// that blocks one while it waits for a child (python, curl, Chromium) that
/// talks to a server hosted in the test process — whose handlers need a pool
/// thread — starves that server as soon as a second test does the same.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        let thread = Thread { c.resume(with: Result { try body() }) }
        thread.start()
    }
}
