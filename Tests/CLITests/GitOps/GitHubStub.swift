import Foundation

/// A recording stand-in for the `gh` CLI, put first on a job's PATH: every
/// call's arguments are kept (`calls/N/argv`), each `-f`/`-F key=value`
/// field as a file (`calls/N/field-KEY`; `key=@path` copies that file, as gh
/// would send it). `gh api` answers with the JSON the test left for its
/// method and endpoint (else `[]` for GET, `{}` otherwise), through the
/// system's jq for `--jq` as gh's built-in jq would; `gh run list` with the
/// JSON left for "run list"; `gh run download RUN --name N --dir D` copies
/// the artifact the job runner stored. The test plays GitHub's side: after a
/// comment is posted it leaves the list that now contains it.
struct GitHubStub {
    let directory: String
    var bin: String { directory + "/bin" }

    init(artifacts: String) throws {
        directory = try CLIRunner.temporaryDirectory()
        for d in ["bin", "calls", "responses"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + d, withIntermediateDirectories: true)
        }
        let script = """
        #!/bin/sh
        set -eu
        d='\(directory)'
        n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$d/count"
        c="$d/calls/$n"; mkdir -p "$c"
        printf '%s\\n' "$@" > "$c/argv"
        method=GET endpoint="" jq="" prev="" run="" name="" dir=""
        for a in "$@"; do
          case "$prev" in
            -f|--raw-field|-F|--field)
              key=${a%%=*}
              case "$a" in *=@*) cp "${a#*=@}" "$c/field-$key" ;; *) printf '%s' "${a#*=}" > "$c/field-$key" ;; esac ;;
            -X|--method) method=$a ;;
            -q|--jq) jq=$a ;;
            -n|--name) name=$a ;;
            -D|--dir) dir=$a ;;
            download) run=$a ;;
          esac
          case "$a" in repos/*) [ -n "$endpoint" ] || endpoint=$a ;; esac
          prev=$a
        done
        case "$1 ${2:-}" in
          "api "*) key="$method $endpoint"; [ "$method" = GET ] && default='[]' || default='{}' ;;
          "run list") key="run list"; default='[]' ;;
          "run download")
            [ -d "\(artifacts)/$run/$name" ] || { echo "no artifact $name in run $run" >&2; exit 1; }
            mkdir -p "$dir"; cp "\(artifacts)/$run/$name/"* "$dir/"; exit 0 ;;
          *) echo "gh stub: unexpected call: $*" >&2; exit 2 ;;
        esac
        file="$d/responses/$(printf '%s' "$key" | tr -c 'A-Za-z0-9' '_')"
        if [ -f "$file" ]; then body=$(cat "$file"); else body=$default; fi
        if [ -n "$jq" ]; then printf '%s' "$body" | jq -r "$jq"; else printf '%s\\n' "$body"; fi
        """
        try script.write(toFile: bin + "/gh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/gh")
    }

    /// What `gh api -X METHOD ENDPOINT` (or `gh run list`: method "run", endpoint "list") answers from now on.
    func respond(_ method: String, _ endpoint: String, _ json: Any) throws {
        try StubCall.respond(in: directory, method, endpoint, json)
    }

    typealias Call = StubCall

    /// Every call so far, in order.
    func calls() throws -> [Call] { try StubCall.all(in: directory) }

    /// The calls that wrote something (POST, PATCH), from index `from` on.
    func writes(from: Int = 0) throws -> [Call] {
        Array(try calls().dropFirst(from)).filter { $0.argv.first == "api" && $0.method != "GET" }
    }
}
