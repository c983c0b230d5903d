import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Providers
import Testing

/// The example workflows of examples/github-actions/, run step by step from
/// the files themselves (installed as the README says: workflows under
/// .github/workflows/, scripts under .github/reconcile/) in a throwaway git
/// repository whose inventory points at the sandbox's emulators, with the
/// real `reconcile` binary, a real Knot serving the sandbox's zones, the
/// sandbox's Telegram taking the alerts, and `gh` replaced by a recording
/// stub. What is asserted is what GitHub would have been asked to post.
@Suite(.serialized) struct GitOpsWorkflowTests {
    static let examples = CLIRunner.repositoryRoot + "/examples/github-actions"
    static let planWorkflow = ".github/workflows/reconcile-plan.yml"
    static let applyWorkflow = ".github/workflows/reconcile-apply.yml"
    static let scheduledWorkflow = ".github/workflows/reconcile-scheduled.yml"

    /// The sandbox fleet, converged at the base commit, and the repository, runner and stub around it.
    struct Rig {
        let fixture: EngineFixture
        let root: String
        let origin: String
        let runner: WorkflowRunner
        let gh: GitHubStub
        let values: [String: String]
        let telegram: String

        static func start() async throws -> Rig {
            let f = try await EngineFixture.start(publishDNS: true)
            do {
                guard let dns = f.world.dns, let web = f.world.web else {
                    throw WorkflowRunner.Failure(description: "the sandbox publishes no DNS: is knotd installed (scripts/bootstrap)?")
                }
                let tg = f.world.service("telegram")!.descriptor
                // Alerts of the inventory go to the sandbox's Telegram too.
                try f.edit("fleet.yaml") { $0.replacingOccurrences(of: "\n  telegram:\n", with: "\n  telegram:\n    endpoint: \(tg["url"]!)\n") }
                guard try await f.converge() else { throw WorkflowRunner.Failure(description: "the base fleet did not converge") }

                let root = try CLIRunner.temporaryDirectory()
                let origin = root + "/origin", tool = root + "/tool", cache = root + "/cache", artifacts = root + "/artifacts"
                let fm = FileManager.default
                for d in [origin + "/.github/workflows", origin + "/.github/reconcile", tool, cache, artifacts] {
                    try fm.createDirectory(atPath: d, withIntermediateDirectories: true)
                }
                // Installed as the README says.
                try fm.copyItem(atPath: f.dir + "/inventory", toPath: origin + "/inventory")
                for w in try fm.contentsOfDirectory(atPath: examples) where w.hasSuffix(".yml") {
                    try fm.copyItem(atPath: examples + "/" + w, toPath: origin + "/.github/workflows/" + w)
                }
                for s in try fm.contentsOfDirectory(atPath: examples + "/scripts") {
                    try fm.copyItem(atPath: examples + "/scripts/" + s, toPath: origin + "/.github/reconcile/" + s)
                }
                let gitlab = CLIRunner.repositoryRoot + "/examples/gitlab-ci"
                try fm.copyItem(atPath: gitlab + "/.gitlab-ci.yml", toPath: origin + "/.gitlab-ci.yml")
                try fm.copyItem(atPath: gitlab + "/scripts", toPath: origin + "/.gitlab/reconcile")
                try fm.createSymbolicLink(atPath: tool + "/reconcile", withDestinationPath: CLIRunner.binary)
                let gh = try GitHubStub(artifacts: artifacts)
                let runner = WorkflowRunner(origin: origin, binDirectories: [gh.bin, tool], cache: cache, artifacts: artifacts)
                try await runner.git(["init", "-q", "-b", "main"], cwd: origin)
                try await runner.git(["add", "-A"], cwd: origin)
                try await runner.git(["commit", "-q", "-m", "base: the fleet as it is"], cwd: origin)
                // The state the last apply saved: the converged fleet's.
                try fm.createDirectory(atPath: cache + "/reconcile-state-0/.reconcile", withIntermediateDirectories: true)
                for s in try fm.contentsOfDirectory(atPath: f.dir + "/.reconcile") where s.hasPrefix("state.sqlite") {
                    try fm.copyItem(atPath: f.dir + "/.reconcile/" + s, toPath: cache + "/reconcile-state-0/.reconcile/" + s)
                }
                try "reconcile-state-0\n".write(toFile: cache + "/order", atomically: true, encoding: .utf8)

                // Every secrets.NAME the workflows name, from the sandbox's credentials.
                var values: [String: String] = [
                    "vars.TELEGRAM_CHAT_ID": tg["chat_id"]!, "vars.TELEGRAM_API_URL": tg["url"]!,
                    "vars.RECONCILE_CHECK_FLAGS": "--nameserver \(dns.server) --web-via \(web.description)",
                ]
                var env = f.environment
                env["TELEGRAM_BOT_TOKEN"] = tg["bot_token"]
                for file in try fm.contentsOfDirectory(atPath: examples) where file.hasSuffix(".yml") {
                    let text = try String(contentsOfFile: examples + "/" + file, encoding: .utf8)
                    for m in text.matches(of: #/secrets\.([A-Z0-9_]+)/#) {
                        let name = String(m.1)
                        guard let v = env[name] else { throw WorkflowRunner.Failure(description: "\(file) names secrets.\(name), which the inventory does not use") }
                        values["secrets.\(name)"] = v
                    }
                }
                return Rig(fixture: f, root: root, origin: origin, runner: runner, gh: gh, values: values, telegram: tg["url"]!)
            } catch { await f.stop(); throw error }
        }

        func stop() async {
            await fixture.stop()
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: gh.directory)
        }

        @discardableResult
        func git(_ args: [String]) async throws -> String {
            try await runner.git(args, cwd: origin).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Edits a file of the repository's inventory and commits it.
        func commit(_ file: String, _ message: String, _ change: (String) -> String) async throws -> String {
            let path = origin + "/inventory/" + file
            try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
            try await git(["commit", "-q", "-am", message])
            return try await git(["rev-parse", "HEAD"])
        }

        /// The plan workflow on pull request NUMBER at HEAD, based on BASE.
        func plan(number: Int, base: String, head: String, run: String) async throws -> WorkflowRunner.JobRun {
            try await runner.run(GitOpsWorkflowTests.planWorkflow, job: "plan", ref: head, runID: run, values: values.merging([
                "github.event.pull_request.number": "\(number)", "github.event.pull_request.base.sha": base,
                "github.event.pull_request.head.sha": head,
            ]) { a, _ in a })
        }

        /// Waits (up to 10 s) until the sandbox's Knot publishes NAME's TXT
        /// records with or without `containing`: it reloads a zone within half
        /// a second of a change at the registrar, and a check must not race it.
        func waitForDNS(_ name: String, containing: String, present: Bool) async throws {
            let server = fixture.world.dns!
            for _ in 0..<50 {
                let r = try await CLIRunner.runAsync("/usr/bin/env", ["dig", "@\(server.address)", "-p", "\(server.port)", "+short", name, "TXT"],
                                                     cwd: root, environment: ["PATH": "/usr/bin:/bin"])
                if r.stdout.contains(containing) == present { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw WorkflowRunner.Failure(description: "\(name) TXT \(containing) never \(present ? "appeared" : "went away") in the sandbox's DNS")
        }

        /// What the sandbox's Telegram was sent, in order.
        func telegramMessages() async throws -> [String] {
            let (data, _) = try await URLSession.shared.data(from: URL(string: telegram + "/sent")!)
            let sent = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
            return sent.compactMap { $0["text"] as? String }
        }
    }

    /// The porkbun record of DOMAIN at NAME (relative) of TYPE, as the registrar holds it.
    static func record(_ f: EngineFixture, _ domain: String, _ name: String, _ type: String) async throws -> PorkbunWire.Record? {
        let fqdn = name.isEmpty ? domain : "\(name).\(domain)"
        return try await f.porkbun.retrieve(domain).first { $0.name == fqdn && $0.type == type }
    }

    @Test func pullRequestPlanMergeApplyAndScheduledChecks() async throws {
        let rig = try await Rig.start()
        do { try await Self.flow(rig) } catch { await rig.stop(); throw error }
        await rig.stop()
    }

    static func flow(_ rig: Rig) async throws {
        let f = rig.fixture, gh = rig.gh
        let base = try await rig.git(["rev-parse", "HEAD"])
        let comments7 = "repos/acme/infra/issues/7/comments"

        // Push 1 of pull request #7: a CAA record for acmehq.eu.
        try await rig.git(["checkout", "-q", "-b", "pr-7"])
        let push1 = try await rig.commit("groups/eu-outreach.yaml", "acmehq.eu: CAA") {
            $0.replacingOccurrences(of: "    mailboxes: [lena]\n",
                                    with: "    extra_records: [{ name: \"@\", type: CAA, value: '0 issue \"pki.goog\"' }]\n    mailboxes: [lena]\n")
        }
        let plan1 = try await rig.plan(number: 7, base: base, head: push1, run: "1001")
        #expect(!plan1.failed, "changes (exit 2) are a green job:\n\(plan1.log)")
        #expect(plan1.outputs["plan"]?["exitcode"] == "2")
        let posted1 = try gh.writes()
        try #require(posted1.count == 1, "one comment:\n\(plan1.log)")
        #expect(posted1[0].method == "POST" && posted1[0].endpoint == comments7)
        let body1 = try #require(posted1[0].fields["body"])
        #expect(body1.hasPrefix("<!-- reconcile:plan -->\n## reconcile plan\n\n**1 to create, 0 to update, 0 to delete"), "\(body1)")
        #expect(body1.contains("<code>acmehq.eu</code>") && body1.contains("+ CAA @ 0 issue \"pki.goog\""), "\(body1)")
        // Only the changed domain: the other five are not read, and not shown.
        #expect(body1.contains("5 domains not read"), "\(body1)")
        for other in ["acme-mail.com", "acme-mail.de", "acme-outreach.net", "getacme.io", "try-acme.eu"] {
            #expect(!body1.contains(other), "\(other) is not part of this pull request:\n\(body1)")
        }
        #expect(FileManager.default.fileExists(atPath: rig.runner.artifacts + "/1001/reconcile-plan/plan.json"))

        // Push 2: the comment is edited in place, not posted again.
        try gh.respond("GET", comments7, [["id": 9001, "body": body1]])
        let push2 = try await rig.commit("groups/eu-outreach.yaml", "acmehq.eu: a site verification") {
            $0.replacingOccurrences(of: "'0 issue \"pki.goog\"' }]", with: "'0 issue \"pki.goog\"' }, { name: \"@\", type: TXT, value: \"site-verification=abc123\" }]")
        }
        let before2 = try gh.calls().count
        let plan2 = try await rig.plan(number: 7, base: base, head: push2, run: "1002")
        #expect(!plan2.failed, "\(plan2.log)")
        let posted2 = try gh.writes(from: before2)
        try #require(posted2.count == 1, "\(plan2.log)")
        #expect(posted2[0].method == "PATCH" && posted2[0].endpoint == "repos/acme/infra/issues/comments/9001")
        let body2 = try #require(posted2[0].fields["body"])
        #expect(body2.contains("**2 to create") && body2.contains("site-verification=abc123"), "\(body2)")

        try await gitLabPlan(rig, base: base, head: push2)

        // Pull request #8 breaks the inventory: exit 1 fails the job, after the comment says why.
        try await rig.git(["checkout", "-q", "-b", "pr-8", base])
        let broken = try await rig.commit("groups/us-outreach.yaml", "broken") { $0 + "\n  - name: [oops\n" }
        let before8 = try gh.calls().count
        let plan8 = try await rig.plan(number: 8, base: base, head: broken, run: "1003")
        #expect(plan8.failed, "exit 1 fails the job:\n\(plan8.log)")
        #expect(plan8.outputs["plan"]?["exitcode"] == "1")
        let posted8 = try gh.writes(from: before8)
        try #require(posted8.count == 1, "\(plan8.log)")
        #expect(posted8[0].endpoint == "repos/acme/infra/issues/8/comments")
        #expect(posted8[0].fields["body"]?.contains("No plan: `reconcile --plan` failed (exit 1)") == true, "\(posted8[0].fields)")
        #expect(posted8[0].fields["body"]?.contains("us-outreach.yaml") == true, "\(posted8[0].fields)")
        #expect(!FileManager.default.fileExists(atPath: rig.runner.artifacts + "/1003/reconcile-plan/plan.json"))

        // Pull request #9 points the Porkbun account where nothing answers: the plan is
        // incomplete, which the comment says first, and the job fails.
        try await rig.git(["checkout", "-q", "-b", "pr-9", base])
        let porkbunURL = try #require(f.world.service("porkbun")?.descriptor["url"])
        _ = try await rig.commit("fleet.yaml", "porkbun: elsewhere") {
            $0.replacingOccurrences(of: "endpoint: \(porkbunURL)", with: "endpoint: http://127.0.0.1:9/api/json/v3")
        }
        let unreachable = try await rig.commit("groups/eu-outreach.yaml", "acmehq.eu: CAA") {
            $0.replacingOccurrences(of: "    mailboxes: [lena]\n",
                                    with: "    extra_records: [{ name: \"@\", type: CAA, value: '0 issue \"pki.goog\"' }]\n    mailboxes: [lena]\n")
        }
        let before9 = try gh.calls().count
        let plan9 = try await rig.plan(number: 9, base: base, head: unreachable, run: "1005")
        #expect(plan9.failed && plan9.outputs["plan"]?["exitcode"] == "1", "\(plan9.log)")
        let body9 = try #require(try gh.writes(from: before9).first?.fields["body"])
        #expect(body9.hasPrefix("<!-- reconcile:plan -->\n## reconcile plan\n\n**Incomplete: 1 domain could not be read"), "\(body9)")
        #expect(!body9.contains("matches the inventory") && body9.contains("account porkbun, 1 domain: ") && body9.contains("acmehq.eu"))

        // A push to main that no pull request merged has no reviewed plan: refused, loudly, before anything is read.
        let alertsBeforeDirect = try await rig.telegramMessages().count
        let beforeDirect = try gh.calls().count
        let direct = try await rig.runner.run(applyWorkflow, job: "apply", ref: base, runID: "2000", values: rig.values)
        #expect(direct.failed && direct.log.contains("::error title=No reviewed plan::commit \(base) was not merged from a pull request"),
                "\(direct.log)")
        #expect(!direct.log.contains("## Apply the reviewed plan"), "nothing is applied")
        #expect(try gh.writes(from: beforeDirect).isEmpty, "no pull request to tell")
        #expect(try await rig.telegramMessages().count == alertsBeforeDirect + 1)

        // #7 is merged; meanwhile someone adds a record by hand to acmehq.eu: the reviewed plan is stale.
        try await rig.git(["checkout", "-q", "main"])
        try await rig.git(["merge", "-q", "--no-ff", "pr-7", "-m", "Merge pull request #7"])
        let merge = try await rig.git(["rev-parse", "HEAD"])
        try gh.respond("GET", "repos/acme/infra/commits/\(merge)/pulls", [["number": 7]])
        try gh.respond("GET", "repos/acme/infra/pulls/7", ["number": 7, "head": ["sha": push2]])
        try gh.respond("run", "list", [["databaseId": 1002]])
        _ = try await f.porkbun.create("acmehq.eu", PorkbunRecordInput(name: "", type: "TXT", content: "added-by-hand=1", ttl: 600))
        let beforeApply = try gh.calls().count
        let apply1 = try await rig.runner.run(applyWorkflow, job: "apply", ref: merge, runID: "2001", values: rig.values)
        #expect(apply1.failed, "a stale plan fails the job:\n\(apply1.log)")
        #expect(apply1.log.contains("::error title=Stale plan refused::"), "\(apply1.log)")
        #expect(apply1.log.contains("acmehq.eu/zone/ changed since the plan was made"), "\(apply1.log)")
        #expect(try await record(f, "acmehq.eu", "", "CAA") == nil, "nothing was applied")
        let told = try gh.writes(from: beforeApply)
        try #require(told.count == 1, "\(apply1.log)")
        #expect(told[0].method == "POST" && told[0].endpoint == comments7)
        let staleBody = try #require(told[0].fields["body"])
        #expect(staleBody.hasPrefix("<!-- reconcile:apply -->\n## reconcile apply\n\n**❌ Not applied: the reviewed plan is stale."), "\(staleBody)")
        #expect(staleBody.contains("acmehq.eu/zone/ changed since the plan was made"))
        #expect(try await rig.telegramMessages().contains { $0.hasPrefix("reconcile apply FAILED on acme/infra") })

        // The plan is made again and reviewed; the apply of that plan goes through and edits its comment.
        try gh.respond("GET", comments7, [["id": 9001, "body": body2], ["id": 9002, "body": staleBody]])
        let plan3 = try await rig.plan(number: 7, base: base, head: push2, run: "1004")
        #expect(!plan3.failed, "\(plan3.log)")
        try gh.respond("run", "list", [["databaseId": 1004]])
        let beforeApply2 = try gh.calls().count
        let apply2 = try await rig.runner.run(applyWorkflow, job: "apply", ref: merge, runID: "2002", values: rig.values)
        #expect(!apply2.failed, "\(apply2.log)")
        let applied = try gh.writes(from: beforeApply2)
        try #require(applied.count == 1, "\(apply2.log)")
        #expect(applied[0].method == "PATCH" && applied[0].endpoint == "repos/acme/infra/issues/comments/9002")
        #expect(applied[0].fields["body"]?.contains("✅ Applied the reviewed plan.") == true, "\(applied[0].fields)")
        #expect(try await record(f, "acmehq.eu", "", "CAA")?.content == "0 issue \"pki.goog\"")
        // Only the apply workflow saves the state, every run of it.
        let order = try String(contentsOfFile: rig.runner.cache + "/order", encoding: .utf8)
        #expect(order == "reconcile-state-0\nreconcile-state-2000-1\nreconcile-state-2001-1\nreconcile-state-2002-1\n", "\(order)")

        try await gitLabApplyOfAnAppliedPlan(rig, merge: merge, head: push2, plan: rig.runner.artifacts + "/1004/reconcile-plan/plan.json")
        try await scheduled(rig)

        // No secret reached a comment, an issue or a log.
        let secrets = [EngineFixture.canary] + rig.values.filter { $0.key.hasPrefix("secrets.") && $0.value.count >= 12 }.map(\.value)
        for call in try gh.calls() { for (_, v) in call.fields { for s in secrets { #expect(!v.contains(s)) } } }
        for log in [plan1.log, plan2.log, plan8.log, plan9.log, apply1.log, apply2.log] { for s in secrets { #expect(!log.contains(s)) } }
    }

    /// GitLab's plan job, its script lines read from .gitlab-ci.yml, for
    /// merge request !7: one note with the plan, edited in place the next time.
    static func gitLabPlan(_ rig: Rig, base: String, head: String) async throws {
        let curl = try CurlStub()
        defer { try? FileManager.default.removeItem(atPath: curl.directory) }
        let (_, workspace, _) = try await rig.runner.checkout(head)
        let job = try GitLabJob(file: workspace + "/.gitlab-ci.yml", job: "reconcile-plan")
        var env = [
            "PATH": ([curl.bin] + rig.runner.binDirectories + ["/usr/bin", "/bin"]).joined(separator: ":"),
            "HOME": workspace, "TMPDIR": FileManager.default.temporaryDirectory.path,
            "CI_API_V4_URL": "http://gitlab.test/api/v4", "CI_PROJECT_ID": "17", "CI_MERGE_REQUEST_IID": "7",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHORT_SHA": String(head.prefix(8)),
            "CI_PIPELINE_URL": "http://gitlab.test/acme/infra/-/pipelines/5", "RECONCILE_GITLAB_TOKEN": "glpat-workflow-test-token",
        ]
        for (k, v) in rig.values where k.hasPrefix("secrets.") { env[String(k.dropFirst(8))] = v }
        let first = try await job.run(in: workspace, environment: env)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let notes = "http://gitlab.test/api/v4/projects/17/merge_requests/7/notes"
        let posted = try curl.calls().filter { $0.method != "GET" }
        try #require(posted.count == 1, "\(first.stdout)\(first.stderr)")
        #expect(posted[0].method == "POST" && posted[0].url == notes)
        #expect(posted[0].argv.contains("PRIVATE-TOKEN: glpat-workflow-test-token"))
        let body = try #require(posted[0].fields["body"])
        #expect(body.hasPrefix("<!-- reconcile:plan -->\n## reconcile plan\n\n**2 to create") && body.contains("site-verification=abc123"), "\(body)")
        #expect(!first.stdout.contains("glpat-workflow-test-token") && !first.stderr.contains("glpat-workflow-test-token"))

        try curl.respond("GET", "merge_requests/7/notes?per_page=100&sort=asc", [["id": 55, "body": body]])
        let second = try await job.run(in: workspace, environment: env)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let edited = try curl.calls().filter { $0.method != "GET" }.dropFirst()
        #expect(edited.map(\.method) == ["PUT"] && edited.first?.url == notes + "/55", "\(edited.map(\.argv))")
    }

    /// GitLab's apply job, its script lines read from .gitlab-ci.yml, given
    /// the merge request's plan once more after it was applied: what it was
    /// made from has changed (the records it created), so it is refused as
    /// stale, the merge request is told and the team alerted.
    static func gitLabApplyOfAnAppliedPlan(_ rig: Rig, merge: String, head: String, plan: String) async throws {
        let curl = try CurlStub()
        defer { try? FileManager.default.removeItem(atPath: curl.directory) }
        let (_, workspace, _) = try await rig.runner.checkout(merge)
        try rig.runner.performAction("actions/cache/restore", with: ["key": "none", "restore-keys": "reconcile-state-"],
                                     workspace: workspace, runID: "0")
        let job = try GitLabJob(file: workspace + "/.gitlab-ci.yml", job: "reconcile-apply")
        try curl.respond("GET", "repository/commits/\(merge)/merge_requests", [["iid": 7, "state": "merged"]])
        try curl.respond("GET", "merge_requests/7", ["iid": 7, "sha": head])
        try curl.respond("GET", "merge_requests/7/pipelines", [["id": 5, "sha": head, "status": "success"]])
        try curl.respond("GET", "pipelines/5/jobs?scope[]=success", [["id": 77, "name": "reconcile-plan"]])
        try curl.respond("GET", "jobs/77/artifacts/plan.json", try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))))
        let tg = rig.fixture.world.service("telegram")!.descriptor
        var env = [
            "PATH": ([curl.bin] + rig.runner.binDirectories + ["/usr/bin", "/bin"]).joined(separator: ":"),
            "HOME": workspace, "TMPDIR": FileManager.default.temporaryDirectory.path, "CI_COMMIT_SHA": merge,
            "CI_API_V4_URL": "http://gitlab.test/api/v4", "CI_PROJECT_ID": "17", "CI_PROJECT_PATH": "acme/infra",
            "CI_PIPELINE_URL": "http://gitlab.test/acme/infra/-/pipelines/8", "RECONCILE_GITLAB_TOKEN": "glpat-workflow-test-token",
            "TELEGRAM_CHAT_ID": tg["chat_id"]!, "TELEGRAM_API_URL": tg["url"]!,
        ]
        for (k, v) in rig.values where k.hasPrefix("secrets.") { env[String(k.dropFirst(8))] = v }
        let r = try await job.run(in: workspace, environment: env)
        #expect(r.status == 1, "a stale plan fails the job:\n\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("ERROR: the reviewed plan is stale"), "\(r.stderr)")
        let writes = try curl.calls().filter { $0.method != "GET" }
        #expect(writes.map(\.method) == ["POST"] && writes.first?.url == "http://gitlab.test/api/v4/projects/17/merge_requests/7/notes",
                "\(r.stdout)\(r.stderr)")
        let note = writes.first?.fields["body"] ?? ""
        #expect(note.hasPrefix("<!-- reconcile:apply -->\n## reconcile apply\n\n**❌ Not applied or failed (exit 1).**"), "\(note)")
        #expect(note.contains("acmehq.eu/zone/ changed since the plan was made"), "\(note)")
        let messages = try await rig.telegramMessages()
        #expect(messages.last == "reconcile apply FAILED on acme/infra: http://gitlab.test/acme/infra/-/pipelines/8", "\(messages)")
    }

    /// GitLab's scheduled job with RECONCILE_JOB=check, its script lines read
    /// from .gitlab-ci.yml, the state pulled from the cache: differences open
    /// the tracking issue, a clean run closes the one found open.
    static func gitLabScheduled(_ rig: Rig, found: Bool) async throws {
        let curl = try CurlStub()
        defer { try? FileManager.default.removeItem(atPath: curl.directory) }
        let (_, workspace, _) = try await rig.runner.checkout("main")
        try rig.runner.performAction("actions/cache/restore", with: ["key": "none", "restore-keys": "reconcile-state-"],
                                     workspace: workspace, runID: "0")
        let job = try GitLabJob(file: workspace + "/.gitlab-ci.yml", job: "reconcile-scheduled")
        let tg = rig.fixture.world.service("telegram")!.descriptor
        var env = [
            "PATH": ([curl.bin] + rig.runner.binDirectories + ["/usr/bin", "/bin"]).joined(separator: ":"),
            "HOME": workspace, "TMPDIR": FileManager.default.temporaryDirectory.path, "RECONCILE_JOB": "check",
            "RECONCILE_CHECK_FLAGS": rig.values["vars.RECONCILE_CHECK_FLAGS"]!,
            "CI_API_V4_URL": "http://gitlab.test/api/v4", "CI_PROJECT_ID": "17", "CI_PROJECT_URL": "http://gitlab.test/acme/infra",
            "CI_PIPELINE_URL": "http://gitlab.test/acme/infra/-/pipelines/6", "RECONCILE_GITLAB_TOKEN": "glpat-workflow-test-token",
            "TELEGRAM_CHAT_ID": tg["chat_id"]!, "TELEGRAM_API_URL": tg["url"]!,
        ]
        for (k, v) in rig.values where k.hasPrefix("secrets.") { env[String(k.dropFirst(8))] = v }
        let issues = "http://gitlab.test/api/v4/projects/17/issues"
        if found {
            try curl.respond("POST", "issues", ["iid": 12])
            let r = try await job.run(in: workspace, environment: env)
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            let writes = try curl.calls().filter { $0.method != "GET" }
            #expect(writes.map(\.method) == ["POST"] && writes.first?.url == issues, "\(r.stdout)\(r.stderr)")
            #expect(writes.first?.fields["description"]?.hasPrefix("<!-- reconcile:tracking:check ") == true)
            #expect(writes.first?.fields["description"]?.contains("_dmarc.acme-mail.com") == true)
            #expect(writes.first?.fields["labels"] == "reconcile")
            #expect(r.stdout.contains("tracking issue: opened 12"), "\(r.stdout)")
            #expect(try await rig.telegramMessages().last?.hasPrefix("reconcile check: the fleet differs from the inventory (opened: http://gitlab.test/acme/infra/-/issues/12)") == true)
        } else {
            try curl.respond("GET", "issues?state=opened&labels=reconcile&per_page=100",
                             [["iid": 12, "description": "<!-- reconcile:tracking:check 1 -->\nfindings"]])
            let r = try await job.run(in: workspace, environment: env)
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            let writes = try curl.calls().filter { $0.method != "GET" }
            #expect(writes.map(\.method) == ["POST", "PUT"] && writes.last?.url == issues + "/12", "\(r.stdout)\(r.stderr)")
            #expect(writes.last?.fields["state_event"] == "close")
            #expect(r.stdout.contains("tracking issue: closed 12"), "\(r.stdout)")
            #expect(try await rig.telegramMessages().last == "reconcile check: resolved (http://gitlab.test/acme/infra/-/issues/12)")
        }
    }

    /// The scheduled jobs: a clean check touches nothing; differences open
    /// ONE tracking issue and alert, the same differences again leave it
    /// alone, a clean run closes it and says so.
    static func scheduled(_ rig: Rig) async throws {
        let f = rig.fixture, gh = rig.gh
        let main = try await rig.git(["rev-parse", "HEAD"])
        func run(_ job: String, _ id: String) async throws -> WorkflowRunner.JobRun {
            try await rig.runner.run(scheduledWorkflow, job: job, ref: main, runID: id, values: rig.values)
        }
        let issues = "repos/acme/infra/issues?state=open&labels=reconcile&per_page=100"

        var before = try gh.calls().count
        let clean = try await run("check", "3001")
        #expect(!clean.failed && clean.log.contains("reconcile check exited 0; tracking issue: none"), "\(clean.log)")
        #expect(try gh.writes(from: before).isEmpty)

        // Someone deletes acme-mail.com's DMARC record at the registrar.
        let dmarc = try #require(try await record(f, "acme-mail.com", "_dmarc", "TXT"))
        try await f.porkbun.delete("acme-mail.com", id: dmarc.id.value!)
        try await rig.waitForDNS("_dmarc.acme-mail.com", containing: "v=DMARC1", present: false)
        try gh.respond("POST", "repos/acme/infra/issues", ["number": 42])
        before = try gh.calls().count
        let alertsBefore = try await rig.telegramMessages().count
        let found = try await run("check", "3002")
        #expect(!found.failed, "differences are the issue's to report, not a failed run:\n\(found.log)")
        let opened = try gh.writes(from: before)
        try #require(opened.count == 1, "\(found.log)")
        #expect(opened[0].method == "POST" && opened[0].endpoint == "repos/acme/infra/issues")
        #expect(opened[0].fields["labels[]"] == "reconcile")
        let issueBody = try #require(opened[0].fields["body"])
        #expect(issueBody.hasPrefix("<!-- reconcile:tracking:check "), "\(issueBody)")
        #expect(issueBody.contains("acme-mail.com") && issueBody.contains("_dmarc"), "\(issueBody)")
        var alerts = try await rig.telegramMessages()
        #expect(alerts.count == alertsBefore + 1 && alerts.last?.hasPrefix("reconcile check: the fleet differs") == true, "\(alerts)")

        // The same findings ten minutes later: the one issue is left as it is, no second alert.
        try gh.respond("GET", issues, [["number": 42, "body": issueBody]])
        try gh.respond("GET", "repos/acme/infra/issues/42", ["number": 42, "body": issueBody])
        before = try gh.calls().count
        let again = try await run("check", "3003")
        #expect(!again.failed && again.log.contains("tracking issue: unchanged #42"), "\(again.log)")
        #expect(try gh.writes(from: before).isEmpty)
        #expect(try await rig.telegramMessages().count == alerts.count)

        // New findings (acmehq.eu's DMARC goes too): the same issue is edited, a comment says so, and an alert.
        let dmarc2 = try #require(try await record(f, "acmehq.eu", "_dmarc", "TXT"))
        try await f.porkbun.delete("acmehq.eu", id: dmarc2.id.value!)
        try await rig.waitForDNS("_dmarc.acmehq.eu", containing: "v=DMARC1", present: false)
        before = try gh.calls().count
        let changed = try await run("check", "3007")
        #expect(!changed.failed && changed.log.contains("tracking issue: changed #42"), "\(changed.log)")
        let edited = try gh.writes(from: before)
        #expect(edited.map(\.method) == ["PATCH", "POST"], "\(changed.log)")
        #expect(edited.map(\.endpoint) == ["repos/acme/infra/issues/42", "repos/acme/infra/issues/42/comments"])
        let changedBody = edited.first?.fields["body"] ?? ""
        #expect(changedBody.contains("_dmarc.acmehq.eu") && changedBody.contains("_dmarc.acme-mail.com"), "\(changedBody)")
        #expect(changedBody.components(separatedBy: "\n").first != issueBody.components(separatedBy: "\n").first)
        alerts = try await rig.telegramMessages()
        #expect(alerts.last?.hasPrefix("reconcile check: the fleet differs from the inventory (changed: ") == true, "\(alerts)")
        try gh.respond("GET", issues, [["number": 42, "body": changedBody]])
        try gh.respond("GET", "repos/acme/infra/issues/42", ["number": 42, "body": changedBody])

        try await gitLabScheduled(rig, found: true)

        // The nightly drift finds it through the API too: its own issue.
        try gh.respond("POST", "repos/acme/infra/issues", ["number": 43])
        before = try gh.calls().count
        let drift = try await run("drift", "3004")
        #expect(!drift.failed, "\(drift.log)")
        let driftOpened = try gh.writes(from: before)
        #expect(driftOpened.count == 1 && driftOpened.first?.fields["body"]?.hasPrefix("<!-- reconcile:tracking:drift ") == true, "\(drift.log)")
        let driftBody = driftOpened.first?.fields["body"] ?? ""

        // Put back as it was: the next runs close both issues, and say so.
        _ = try await f.porkbun.create("acme-mail.com", PorkbunRecordInput(name: "_dmarc", type: "TXT", content: dmarc.content,
                                                                           ttl: Int(dmarc.ttl?.value ?? "3600") ?? 3600))
        _ = try await f.porkbun.create("acmehq.eu", PorkbunRecordInput(name: "_dmarc", type: "TXT", content: dmarc2.content,
                                                                       ttl: Int(dmarc2.ttl?.value ?? "3600") ?? 3600))
        try await rig.waitForDNS("_dmarc.acme-mail.com", containing: "v=DMARC1", present: true)
        try await rig.waitForDNS("_dmarc.acmehq.eu", containing: "v=DMARC1", present: true)
        try gh.respond("GET", issues, [["number": 42, "body": changedBody], ["number": 43, "body": driftBody]])
        for (job, id, number) in [("check", "3005", 42), ("drift", "3006", 43)] {
            before = try gh.calls().count
            let ok = try await run(job, id)
            #expect(!ok.failed && ok.log.contains("tracking issue: closed #\(number)"), "\(ok.log)")
            let closing = try gh.writes(from: before)
            #expect(closing.map(\.endpoint) == ["repos/acme/infra/issues/\(number)/comments", "repos/acme/infra/issues/\(number)"])
            #expect(closing.last?.fields["state"] == "closed")
            #expect(closing.first?.fields["body"]?.contains("Resolved") == true)
        }
        alerts = try await rig.telegramMessages()
        #expect(alerts.suffix(2).allSatisfy { $0.contains("resolved") }, "\(alerts)")
        try await gitLabScheduled(rig, found: false)
    }

    /// A body over GitHub's 65,536-character limit (an error's output, say) is cut to fit, with a note.
    @Test func oversizedCommentIsCutToTheLimit() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gh = try GitHubStub(artifacts: dir)
        defer { try? FileManager.default.removeItem(atPath: gh.directory) }
        let line = String(repeating: "é", count: 99) + "\n"
        try ("```\n" + String(repeating: line, count: 700)).write(toFile: dir + "/big.md", atomically: true, encoding: .utf8)
        let r = try await CLIRunner.runAsync(Self.examples + "/scripts/pr-comment.sh", ["5", "big.md"], cwd: dir, environment: [
            "PATH": gh.bin + ":/usr/bin:/bin", "GITHUB_REPOSITORY": "acme/infra",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let body = try #require(try gh.writes().first?.fields["body"])
        #expect(body.utf8.count <= 65_536 && body.utf8.count > 60_000)
        #expect(body.hasPrefix("<!-- reconcile:plan -->\n```\n"))
        #expect(body.hasSuffix("The job log has the complete output.\n"))
        #expect(body.contains("\n```\n\n> **Truncated**"), "the open fence is closed before the note")
        #expect(!body.contains("\u{FFFD}"), "no character is cut in half")
    }
}
