/// Serialises work per key (per domain): Namecheap's read-merge-write is not
/// transactional, so two writes to one zone must never interleave (B5).
public actor KeyedLock {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    public func withLock<T: Sendable, E: Error>(_ key: String, _ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await acquire(key)
        do {
            let value = try await body()
            release(key)
            return value
        } catch {
            release(key)
            throw error
        }
    }

    private func acquire(_ key: String) async {
        if busy.insert(key).inserted { return }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()   // ownership passes to the waiter; `busy` keeps the key
        } else {
            busy.remove(key)
        }
    }
}
