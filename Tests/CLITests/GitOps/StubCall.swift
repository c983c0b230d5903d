import Foundation

/// One call a recording stub (`gh`, `curl`) received, as its script leaves
/// it under the stub's directory: `count`, then per call `calls/N/argv` (one
/// argument per line) and a `field-NAME` file per form field; canned answers
/// are read from `responses/<METHOD target, non-alphanumerics as _>`.
struct StubCall {
    var argv: [String]
    var fields: [String: String]
    var method: String { argv.firstIndex(of: "-X").map { argv[$0 + 1] } ?? "GET" }
    /// `gh api`'s endpoint.
    var endpoint: String? { argv.first { $0.hasPrefix("repos/") } }
    /// `curl`'s URL.
    var url: String? { argv.first { $0.hasPrefix("http") } }

    /// Every call so far, in order.
    static func all(in directory: String) throws -> [StubCall] {
        let count = Int((try? String(contentsOfFile: directory + "/count", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0
        return try (0..<count).map { i in
            let c = "\(directory)/calls/\(i + 1)"
            let argv = try String(contentsOfFile: c + "/argv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
            var fields: [String: String] = [:]
            for f in try FileManager.default.contentsOfDirectory(atPath: c) where f.hasPrefix("field-") {
                fields[String(f.dropFirst(6))] = try String(contentsOfFile: c + "/" + f, encoding: .utf8)
            }
            return StubCall(argv: argv, fields: fields)
        }
    }

    /// The answer the stub gives to `method target` from now on.
    static func respond(in directory: String, _ method: String, _ target: String, _ json: Any) throws {
        let key = String("\(method) \(target)".map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: directory + "/responses/" + key))
    }
}
