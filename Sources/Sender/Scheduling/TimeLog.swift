/// Ascending timestamps with cheap pruning from the front: the exact sliding
/// window log (sending.md §4.1) for a group's hour and a mailbox's 24 h.
struct TimeLog {
    private var times: [Double] = []
    private var head = 0

    init(_ initial: [Double] = []) { times = initial.sorted() }

    var count: Int { times.count - head }
    var first: Double? { head < times.count ? times[head] : nil }

    mutating func append(_ t: Double) { times.append(t) }

    /// Drops every time `<= cutoff`.
    mutating func prune(upTo cutoff: Double) {
        while head < times.count && times[head] <= cutoff { head += 1 }
        if head > 256 && head * 2 > times.count { times.removeFirst(head); head = 0 }
    }
}

/// Pending messages ordered by `notBefore`, consumed from the front.
struct PendingQueue {
    private(set) var items: [PendingItem] = []
    private var head = 0

    var isEmpty: Bool { head >= items.count }
    var count: Int { items.count - head }
    var first: PendingItem? { head < items.count ? items[head] : nil }

    mutating func insert(_ item: PendingItem) {
        if let last = items.last, head < items.count, last.notBefore > item.notBefore {
            var lo = head, hi = items.count
            while lo < hi { let mid = (lo + hi) / 2; if items[mid].notBefore <= item.notBefore { lo = mid + 1 } else { hi = mid } }
            items.insert(item, at: lo)
        } else {
            items.append(item)
        }
    }

    mutating func removeFirst() {
        head += 1
        if head > 1024 && head * 2 > items.count { items.removeFirst(head); head = 0 }
    }
}

/// What the index keeps per pending message.
struct PendingItem {
    var row: Int64
    var email: String
    var notBefore: Double
    /// Window-book id of (campaign window, recipient zone).
    var window: Int
}
