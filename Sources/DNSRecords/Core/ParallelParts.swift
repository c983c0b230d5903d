import Foundation

extension Array {
    /// The array cut into at most `count` contiguous runs of near-equal
    /// length (none empty unless the array is): work split across cores and
    /// joined back in order stays in the order of one loop.
    public func contiguousParts(_ count: Int) -> [ArraySlice<Element>] {
        let n = Swift.max(1, Swift.min(count, self.count))
        return (0..<n).map { i in self[(i * self.count / n)..<((i + 1) * self.count / n)] }
    }
}

/// How many parts to cut work into for `concurrentMap`: a few per core, so
/// one slow part does not leave the other cores idle at the end.
public var parallelParts: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

/// `transform` applied to every element on all cores, results in input
/// order. Dispatch's `concurrentPerform` also runs iterations on the calling
/// thread, so this finishes even when every other thread is busy (it is
/// called from async code that must not wait on the concurrency pool).
public func concurrentMap<T: Sendable, R>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    let slots = Slots<R>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in slots.set(i, transform(items[i])) }
    return slots.values()
}

/// One slot per iteration, written once each from whichever thread ran it.
private final class Slots<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [R?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: R) {
        lock.lock()
        defer { lock.unlock() }
        slots[i] = value
    }

    func values() -> [R] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
