/// Runs `body` over `items` with at most `limit` in flight and returns the
/// results in input order. Rate limits are the provider layer's budget; this
/// bounds memory and sockets when observing hundreds of domains.
public func boundedMap<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async throws -> R
) async throws -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var next = 0
        func launch() {
            let i = next
            let item = items[i]
            group.addTask { (i, try await body(item)) }
            next += 1
        }
        while next < min(max(1, limit), items.count) { launch() }
        while let (i, r) = try await group.next() {
            results[i] = r
            if next < items.count { launch() }
        }
    }
    return results.map { $0! }
}
