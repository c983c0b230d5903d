import Foundation

/// Runs blocking work (a `curl_easy_perform`, a c-ares loop) on a thread of
/// its own and awaits its result. Not on Dispatch's global queue: on Linux,
/// calls blocked there starved Swift's concurrency pool (as wide as the
/// cores) as if both drew on the same threads, and with it every task of the process — including
/// an in-process server the call is waiting for (the sandbox's forwarding host
/// timed out 9 of 20 domains' `HEAD`s that way on an idle 2-core machine).
public func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        let thread = Thread { c.resume(returning: body()) }
        thread.name = name
        thread.start()
    }
}

/// A serial queue on one thread of its own, for blocking work that must stay
/// in order on one thread (a libcurl handle kept open per login, SQLite's
/// group commit) — `DispatchQueue(label:)` would park it where it starved the
/// pool, as described above. The thread ends once its owner is gone and the
/// queued work is done.
public final class OwnThreadQueue: @unchecked Sendable {
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var work: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let shared = Shared()

    public init(name: String) {
        let shared = self.shared
        let thread = Thread {
            while true {
                shared.condition.lock()
                while shared.work.isEmpty && !shared.stopped { shared.condition.wait() }
                guard !shared.work.isEmpty else { shared.condition.unlock(); return }
                let next = shared.work.removeFirst()
                shared.condition.unlock()
                next()
            }
        }
        thread.name = name
        thread.start()
    }

    deinit {
        shared.condition.lock()
        shared.stopped = true
        shared.condition.signal()
        shared.condition.unlock()
    }

    public func async(_ work: @escaping @Sendable () -> Void) {
        shared.condition.lock()
        shared.work.append(work)
        shared.condition.signal()
        shared.condition.unlock()
    }
}
