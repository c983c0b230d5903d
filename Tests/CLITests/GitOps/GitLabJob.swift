import Foundation
import Yams

/// A job of a `.gitlab-ci.yml` run as a GitLab runner would: its `script:`
/// lines, read from the file, in one `sh -e` (variables set by one line are
/// seen by the next), in the workspace, with the CI_* variables the test
/// gives. `curl` is a recording stub (`CurlStub`) first on PATH.
struct GitLabJob {
    let script: [String]
    let variables: [String: String]

    init(file: String, job: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let root = WorkflowFile.mapping(try Yams.load(yaml: text))
        guard let spec = WorkflowFile.mapping(root?[job]), let lines = spec["script"] as? [Any] else {
            throw WorkflowRunner.Failure(description: "\(file) has no job \(job) with a script")
        }
        script = lines.map { "\($0)" }
        variables = WorkflowFile.strings(root?["variables"]).merging(WorkflowFile.strings(spec["variables"])) { _, job in job }
    }

    func run(in workspace: String, environment: [String: String]) async throws -> CLIRunner.Output {
        let path = workspace + "/.gitlab-job.sh"
        try script.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return try await CLIRunner.runAsync("/bin/sh", ["-e", path], cwd: workspace,
                                            environment: variables.merging(environment) { _, given in given })
    }
}

/// A recording stand-in for curl's calls to the GitLab API (http://gitlab.test/;
/// any other call goes to the real curl): each call's arguments (`calls/N/argv`) and
/// its `--data-urlencode key@file` / `key=value` fields (`field-KEY`);
/// answers with the JSON left for "METHOD PATH" (PATH after the project's
/// `/projects/ID/`), else `[]` for GET and `{}` otherwise, on stdout or `-o`.
struct CurlStub {
    let directory: String
    var bin: String { directory + "/bin" }

    init() throws {
        directory = try CLIRunner.temporaryDirectory()
        for d in ["bin", "calls", "responses"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + d, withIntermediateDirectories: true)
        }
        let script = """
        #!/bin/sh
        set -eu
        d='\(directory)'
        # Only the GitLab API is stood in for; anything else (the Telegram alert) is the real curl's.
        gitlab=""
        for a in "$@"; do case "$a" in http://gitlab.test/*) gitlab=1 ;; esac; done
        [ -n "$gitlab" ] || exec /usr/bin/curl "$@"
        n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$d/count"
        c="$d/calls/$n"; mkdir -p "$c"
        printf '%s\\n' "$@" > "$c/argv"
        method=GET url="" out="" prev=""
        for a in "$@"; do
          case "$prev" in
            --data-urlencode)
              case "$a" in *@*) key=${a%%@*}; [ "${key#*=}" = "$key" ] && cp "${a#*@}" "$c/field-$key" || printf '%s' "${a#*=}" > "$c/field-${a%%=*}" ;;
                           *) printf '%s' "${a#*=}" > "$c/field-${a%%=*}" ;; esac ;;
            -X) method=$a ;;
            -o) out=$a ;;
          esac
          case "$a" in http://*|https://*) url=$a ;; esac
          prev=$a
        done
        path=${url#*/projects/*/}
        [ "$method" = GET ] && default='[]' || default='{}'
        file="$d/responses/$(printf '%s' "$method $path" | tr -c 'A-Za-z0-9' '_')"
        if [ -f "$file" ]; then body=$(cat "$file"); else body=$default; fi
        if [ -n "$out" ]; then printf '%s\\n' "$body" > "$out"; else printf '%s\\n' "$body"; fi
        """
        try script.write(toFile: bin + "/curl", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/curl")
    }

    func respond(_ method: String, _ path: String, _ json: Any) throws {
        try StubCall.respond(in: directory, method, path, json)
    }

    typealias Call = StubCall

    func calls() throws -> [Call] { try StubCall.all(in: directory) }
}
