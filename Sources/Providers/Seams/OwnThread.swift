import Foundation

/// Runs blocking work (a `curl_easy_perform`, a c-ares loop) on a thread of
/// its own and awaits its result. Not on Dispatch's global queue: on Linux
/// Swift's concurrency pool draws on the same threads, as many as there are
/// cores, so a few blocked calls starve every task of the process — including
/// an in-process server the call is waiting for (the sandbox's forwarding host
/// timed out 9 of 20 domains' `HEAD`s that way on an idle 2-core machine).
public func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        let thread = Thread { c.resume(returning: body()) }
        thread.name = name
        thread.start()
    }
}
