import Foundation
import Yams

/// A GitHub Actions workflow file as the tests read it: its `env`, and each
/// job's `env` and steps, values kept as written (`${{ … }}` unevaluated).
struct WorkflowFile {
    struct Step {
        var name: String?
        var id: String?
        var run: String?
        var uses: String?
        var with: [String: String]
        var env: [String: String]
        var condition: String?
        var label: String { name ?? id ?? uses ?? String(run?.prefix(40) ?? "") }
    }

    struct Job {
        var env: [String: String]
        var steps: [Step]
    }

    var env: [String: String]
    var shell: String?
    var jobs: [String: Job]

    struct Invalid: Error, CustomStringConvertible { var description: String }

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text).flatMap(Self.mapping) else { throw Invalid(description: "\(path): not a mapping") }
        env = Self.strings(root["env"])
        shell = Self.mapping(root["defaults"]).flatMap { Self.mapping($0["run"]) }.flatMap { $0["shell"] as? String }
        var jobs: [String: Job] = [:]
        for (name, value) in Self.mapping(root["jobs"]) ?? [:] {
            guard let job = Self.mapping(value), let steps = job["steps"] as? [Any] else {
                throw Invalid(description: "\(path): job \(name) has no steps")
            }
            jobs[name] = Job(env: Self.strings(job["env"]), steps: try steps.map { raw in
                guard let s = Self.mapping(raw) else { throw Invalid(description: "\(path): job \(name): a step is not a mapping") }
                return Step(name: s["name"].map { "\($0)" }, id: s["id"].map { "\($0)" }, run: s["run"] as? String,
                            uses: s["uses"] as? String, with: Self.strings(s["with"]), env: Self.strings(s["env"]),
                            condition: s["if"].map { "\($0)" })
            })
        }
        self.jobs = jobs
    }

    static func mapping(_ value: Any?) -> [String: Any]? {
        if let m = value as? [String: Any] { return m }
        guard let m = value as? [AnyHashable: Any] else { return nil }
        return Dictionary(uniqueKeysWithValues: m.map { ("\($0.key)", $0.value) })
    }

    static func strings(_ value: Any?) -> [String: String] {
        (mapping(value) ?? [:]).mapValues { "\($0)" }
    }
}

/// The `${{ … }}` expressions the example workflows use, evaluated from test
/// values: a context path (`github.event.pull_request.number`,
/// `secrets.NAME`, `steps.ID.outputs.KEY`), a quoted literal, or `a || b`.
/// An unknown path is an error, so a workflow cannot grow an expression the
/// test does not give a value; an unset `vars.*` is empty, as on GitHub.
struct ExpressionContext {
    var values: [String: String]
    var stepOutputs: [String: [String: String]] = [:]

    struct Unknown: Error, CustomStringConvertible { var description: String }

    func substitute(_ text: String) throws -> String {
        var out = "", rest = Substring(text)
        while let open = rest.range(of: "${{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw Unknown(description: "unclosed ${{ in \(text)") }
            out += try evaluate(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    func evaluate(_ expr: String) throws -> String {
        let alternatives = expr.components(separatedBy: "||").map { $0.trimmingCharacters(in: .whitespaces) }
        if alternatives.count > 1 {
            for a in alternatives { let v = try evaluate(a); if !v.isEmpty { return v } }
            return ""
        }
        if expr.hasPrefix("'") && expr.hasSuffix("'") && expr.count >= 2 { return String(expr.dropFirst().dropLast()) }
        let parts = expr.split(separator: ".").map(String.init)
        if parts.count == 4, parts[0] == "steps", parts[2] == "outputs" { return stepOutputs[parts[1]]?[parts[3]] ?? "" }
        if let v = values[expr] { return v }
        if parts.first == "vars" { return "" }
        throw Unknown(description: "the test gives no value for ${{ \(expr) }}")
    }

    /// A step's `if:`; only the status functions are used by the examples.
    func condition(_ expr: String?, failed: Bool) throws -> Bool {
        switch expr?.trimmingCharacters(in: .whitespaces) {
        case nil, "success()": !failed
        case "always()": true
        case "failure()": failed
        case let other?: throw Unknown(description: "the test cannot evaluate if: \(other)")
        }
    }
}
