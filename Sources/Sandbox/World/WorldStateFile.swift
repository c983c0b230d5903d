import Foundation

/// The world's state file: one JSON object keyed by API name, each value the
/// service's own export, copied byte for byte. Foundation's JSONSerialization
/// writes slowly on Linux (≈0.25 s per MB in a debug build), so the file is
/// assembled from the parts and split back into them without re-serialising:
/// saving a 600-domain world every two seconds stays cheap.
enum WorldStateFile {
    /// `{"mailgun-us":{…},\n"porkbun":{…}}` with the parts in key order, one per line.
    static func encode(_ parts: [String: Data]) throws -> Data {
        var out = Data("{".utf8)
        for (i, key) in parts.keys.sorted().enumerated() {
            if i > 0 { out.append(contentsOf: Array(",".utf8)) }
            out.append(contentsOf: Array("\n".utf8))
            out.append(try JSONEncoder().encode(key))
            out.append(contentsOf: Array(":".utf8))
            out.append(parts[key]!)
        }
        out.append(contentsOf: Array("\n}\n".utf8))
        return out
    }

    /// Each top-level member's raw value. The file is checked as JSON first (a
    /// clear error for a damaged file), then cut at the members' boundaries.
    static func decode(_ data: Data, path: String) throws(SandboxStateError) -> [String: Data] {
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw SandboxStateError(path: path, reason: "not a JSON object keyed by API name; move it away to start afresh")
        }
        let b = [UInt8](data)
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        /// Index just past the string starting at `i` (an opening quote).
        func stringEnd(_ start: Int) -> Int {
            var j = start + 1
            while j < b.count {
                if b[j] == 0x5C { j += 2; continue }        // backslash escapes the next byte
                if b[j] == 0x22 { return j + 1 }
                j += 1
            }
            return j
        }
        /// Index just past the value starting at `start`.
        func valueEnd(_ start: Int) -> Int {
            var j = start
            if b[j] == 0x22 { return stringEnd(j) }
            if b[j] == 0x7B || b[j] == 0x5B {
                var depth = 0
                while j < b.count {
                    switch b[j] {
                    case 0x22: j = stringEnd(j); continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { return j + 1 }
                    default: break
                    }
                    j += 1
                }
                return j
            }
            while j < b.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(b[j]) { j += 1 }
            return j
        }
        var out: [String: Data] = [:]
        skipSpace()
        i += 1                                            // `{` (checked above)
        while true {
            skipSpace()
            guard i < b.count, b[i] == 0x22 else { break }   // `}`: done
            let keyEnd = stringEnd(i)
            guard let key = try? JSONDecoder().decode(String.self, from: Data(b[i..<keyEnd])) else {
                throw SandboxStateError(path: path, reason: "unreadable key at byte \(i)")
            }
            i = keyEnd
            skipSpace()
            i += 1                                        // `:`
            skipSpace()
            let end = valueEnd(i)
            out[key] = Data(b[i..<end])
            i = end
            skipSpace()
            if i < b.count, b[i] == 0x2C { i += 1 }          // `,`
        }
        return out
    }
}
