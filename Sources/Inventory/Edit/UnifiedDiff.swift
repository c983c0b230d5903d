/// A unified diff (`diff -u`, 3 lines of context) of two versions of one
/// file, from the standard library's line difference: what `promote-spare`
/// prints for review before the change goes into a pull request.
public enum UnifiedDiff {
    public static func render(path: String, before: String, after: String, context: Int = 3) -> String {
        let old = lines(before), new = lines(after)
        let changes = new.difference(from: old)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in changes {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        guard !removed.isEmpty || !inserted.isEmpty else { return "" }

        // The edit script: each old line kept or removed, each new line kept or inserted.
        enum Op { case keep, remove, insert }
        var ops: [(op: Op, old: Int, new: Int)] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) { ops.append((.remove, i, j)); i += 1 }
            else if j < new.count, inserted.contains(j) { ops.append((.insert, i, j)); j += 1 }
            else { ops.append((.keep, i, j)); i += 1; j += 1 }
        }

        var out = "--- \(path)\n+++ \(path)\n"
        var k = 0
        while k < ops.count {
            guard ops[k].op != .keep else { k += 1; continue }
            // A hunk: from `context` lines before this change to `context` after the last change within reach.
            let start = max(0, k - context)
            var end = k
            var last = k
            while end < ops.count, end <= last + context * 2 {
                if ops[end].op != .keep { last = end }
                end += 1
            }
            end = min(ops.count, last + context + 1)
            let slice = ops[start..<end]
            let oldCount = slice.filter { $0.op != .insert }.count
            let newCount = slice.filter { $0.op != .remove }.count
            out += "@@ -\(range(slice.first!.old, oldCount)) +\(range(slice.first!.new, newCount)) @@\n"
            for o in slice {
                switch o.op {
                case .keep: out += " " + old[o.old] + "\n"
                case .remove: out += "-" + old[o.old] + "\n"
                case .insert: out += "+" + new[o.new] + "\n"
                }
            }
            k = end
        }
        return out
    }

    /// `start,count` with 1-based start; an empty range names the line before it.
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    private static func lines(_ text: String) -> [String] {
        var out = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if out.last == "" { out.removeLast() }
        return out
    }
}
