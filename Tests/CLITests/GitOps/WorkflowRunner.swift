import Foundation

/// Runs one job of a workflow file the way a GitHub runner does, on this
/// machine: a fresh clone as the workspace, each `run:` step in
/// `bash --noprofile --norc -eo pipefail` with the workflow's, the job's and
/// the step's `env` (expressions evaluated from test values), `GITHUB_OUTPUT`,
/// `GITHUB_ENV` and `GITHUB_PATH` honoured, later steps skipped after a
/// failure unless their `if:` says otherwise. The few actions the examples
/// use are stood in for by what they do to the workspace: checkout (the
/// clone), cache restore/save and upload-artifact (copies to directories
/// the test owns). The step with id `install-reconcile` is skipped: the
/// built `reconcile` is on PATH instead. The test names the job to run, as
/// the event would: a job's own `if:` (which schedule picks it) is not read.
struct WorkflowRunner {
    /// The repository the workspace is cloned from.
    let origin: String
    /// Put first on PATH: the recording `gh` and the built `reconcile`.
    let binDirectories: [String]
    /// The Actions cache (one directory per key) and the artifacts (RUN/NAME/).
    let cache: String
    let artifacts: String
    let repository = "acme/infra"

    struct JobRun {
        var failed: Bool
        var log: String
        var workspace: String
        var outputs: [String: [String: String]]
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs `job` of `file` (a path in the workspace, as installed) at `ref`.
    func run(_ file: String, job jobName: String, ref: String, runID: String, values: [String: String]) async throws -> JobRun {
        let (temp, workspace, sha) = try await checkout(ref)
        let runnerTemp = temp + "/runner-temp"
        try FileManager.default.createDirectory(atPath: runnerTemp, withIntermediateDirectories: true)

        let workflow = try WorkflowFile(path: workspace + "/" + file)
        guard let job = workflow.jobs[jobName] else { throw Failure(description: "\(file) has no job \(jobName)") }
        var context = ExpressionContext(values: values.merging([
            "github.run_id": runID, "github.run_attempt": "1", "github.sha": sha, "github.repository": repository,
            "github.server_url": "https://github.com", "github.token": "ghs_workflow-test-token",
        ]) { given, _ in given })
        var githubEnv: [String: String] = [
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": repository, "GITHUB_SHA": sha,
            "GITHUB_RUN_ID": runID, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKSPACE": workspace,
            "RUNNER_TEMP": runnerTemp, "HOME": temp, "LANG": "C.UTF-8",
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        var paths = binDirectories
        var failed = false
        var log = ""
        for (index, step) in job.steps.enumerated() {
            guard try context.condition(step.condition, failed: failed) else { continue }
            if step.id == "install-reconcile" { continue }
            log += "## \(step.label)\n"
            if let uses = step.uses {
                let with = try step.with.mapValues(context.substitute)
                do { try performAction(uses, with: with, workspace: workspace, runID: runID) } catch {
                    log += "\(error)\n"; failed = true
                }
                continue
            }
            guard let script = step.run else { throw Failure(description: "\(step.label): neither run nor uses") }
            // Interpolating ${{ }} into a script is an injection hole; the examples pass values through env.
            if script.contains("${{") { throw Failure(description: "\(step.label): run: interpolates ${{ }}; pass it through env") }
            var env = githubEnv
            for layer in [workflow.env, job.env, step.env] {
                for (k, v) in layer { env[k] = try context.substitute(v) }
            }
            let files = ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"]
            for f in files {
                env[f] = "\(runnerTemp)/\(f.lowercased())-\(index)"
                _ = FileManager.default.createFile(atPath: env[f]!, contents: nil)
            }
            env["PATH"] = (paths + ["/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
            let scriptPath = "\(runnerTemp)/step-\(index).sh"
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let shell = workflow.shell == "bash" ? ["--noprofile", "--norc", "-eo", "pipefail"] : ["-e"]
            let result = try await CLIRunner.runAsync(workflow.shell == "bash" ? "/bin/bash" : "/bin/sh", shell + [scriptPath],
                                                      cwd: workspace, environment: env)
            log += result.stdout + result.stderr + "(exit \(result.status))\n"
            if result.status != 0 { failed = true }
            if let id = step.id { context.stepOutputs[id] = try Self.keyValues(env["GITHUB_OUTPUT"]!) }
            githubEnv.merge(try Self.keyValues(env["GITHUB_ENV"]!)) { _, new in new }
            paths = try String(contentsOfFile: env["GITHUB_PATH"]!, encoding: .utf8).split(separator: "\n").map(String.init) + paths
        }
        return JobRun(failed: failed, log: log, workspace: workspace, outputs: context.stepOutputs)
    }

    /// A fresh clone of the origin at `ref`, in a directory of its own: an ephemeral runner's workspace.
    /// Under the origin's parent directory, so the test removes it with the rest.
    func checkout(_ ref: String) async throws -> (temp: String, workspace: String, sha: String) {
        let temp = (origin as NSString).deletingLastPathComponent + "/jobs/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let workspace = temp + "/workspace"
        try await git(["clone", "-q", origin, workspace], cwd: temp)
        try await git(["checkout", "-q", "--detach", ref], cwd: workspace)
        return (temp, workspace, try await git(["rev-parse", "HEAD"], cwd: workspace).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What the examples' actions do, on the local stand-ins.
    func performAction(_ uses: String, with: [String: String], workspace: String, runID: String) throws {
        let fm = FileManager.default
        switch uses.split(separator: "@").first.map(String.init) ?? uses {
        case "actions/checkout":
            break  // the workspace is already the clone at the ref
        case "actions/cache/restore":
            // The exact key, else the newest entry whose key starts with a restore key.
            let prefixes = (with["restore-keys"] ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let entries = ((try? String(contentsOfFile: cache + "/order", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).reversed()
            guard let key = entries.first(where: { $0 == with["key"] }) ?? entries.first(where: { e in prefixes.contains { e.hasPrefix($0) } })
            else { return }
            try copyTree(from: cache + "/" + key, to: workspace)
        case "actions/cache/save":
            let key = try required("key", with, uses)
            let files = try glob(try required("path", with, uses), in: workspace)
            let dir = cache + "/" + key
            guard !fm.fileExists(atPath: dir) else { throw Failure(description: "cache key \(key) exists: entries are immutable") }
            for f in files { try copyFile(workspace + "/" + f, to: dir + "/" + f) }
            // The newest entry is restored first: the order of saves, one key a line.
            let order = ((try? String(contentsOfFile: cache + "/order", encoding: .utf8)) ?? "") + key + "\n"
            try order.write(toFile: cache + "/order", atomically: true, encoding: .utf8)
        case "actions/upload-artifact":
            let name = try required("name", with, uses)
            let files = try glob(try required("path", with, uses), in: workspace)
            if files.isEmpty && with["if-no-files-found"] != "ignore" { throw Failure(description: "upload-artifact: no files") }
            for f in files { try copyFile(workspace + "/" + f, to: "\(artifacts)/\(runID)/\(name)/\((f as NSString).lastPathComponent)") }
        default:
            throw Failure(description: "the test does not stand in for \(uses)")
        }
    }

    func required(_ key: String, _ with: [String: String], _ uses: String) throws -> String {
        guard let v = with[key] else { throw Failure(description: "\(uses): with.\(key) is missing") }
        return v
    }

    /// `dir/name` or `dir/prefix*`, relative to the workspace.
    func glob(_ pattern: String, in root: String) throws -> [String] {
        let dir = (pattern as NSString).deletingLastPathComponent, name = (pattern as NSString).lastPathComponent
        let full = dir.isEmpty ? root : root + "/" + dir
        let names = (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? []
        let matches = name.hasSuffix("*") ? names.filter { $0.hasPrefix(String(name.dropLast())) } : names.filter { $0 == name }
        return matches.sorted().map { dir.isEmpty ? $0 : dir + "/" + $0 }
    }

    func copyFile(_ from: String, to: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if fm.fileExists(atPath: to) { try fm.removeItem(atPath: to) }
        try fm.copyItem(atPath: from, toPath: to)
    }

    func copyTree(from: String, to: String) throws {
        guard let e = FileManager.default.enumerator(atPath: from) else { return }
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: from + "/" + f, isDirectory: &isDir)
            if !isDir.boolValue { try copyFile(from + "/" + f, to: to + "/" + f) }
        }
    }

    static func keyValues(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    @discardableResult
    func git(_ args: [String], cwd: String) async throws -> String {
        let r = try await CLIRunner.runAsync("/usr/bin/env", ["git"] + args, cwd: cwd, environment: Self.gitEnvironment)
        guard r.status == 0 else { throw Failure(description: "git \(args.joined(separator: " ")): \(r.stderr)") }
        return r.stdout
    }

    static let gitEnvironment: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path,
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]
}
