/// "Did you mean" suggestions for misspelt keys, values and names.
enum Suggest {
    /// Levenshtein distance over Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// The closest candidate within 1 edit for words up to 3 characters, 2 up
    /// to 5, else 3; ties go to the alphabetically first.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = word.lowercased()
        // Long words (e.g. pasted garbage) cannot be near a short key.
        guard w.unicodeScalars.count <= 64 else { return nil }
        let limit = w.count <= 3 ? 1 : w.count <= 5 ? 2 : 3
        var best: (Int, String)?
        for c in candidates {
            let d = distance(w, c.lowercased())
            if d <= limit, best == nil || d < best!.0 || (d == best!.0 && c < best!.1) { best = (d, c) }
        }
        return best?.1
    }

    /// ` (did you mean 'x'?)` or empty.
    static func hint(_ word: String, _ candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// `a, b or c`
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
