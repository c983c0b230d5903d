import Foundation
import Inventory
import Reconciler
import Sandbox
import Testing

/// Not a test: `scripts/bench-engine` runs it with RECONCILE_BENCH=1 and
/// reads the lines starting `bench-engine`. A generated fleet bootstraps
/// from an empty world (domains registered, nothing else) through the CLI
/// binary as subprocesses; the emulators live in this process, so their
/// request counters are the provider API calls the engine really made.
/// Figures only — nothing here asserts a timing.
@Suite(.serialized) struct EngineBenchmark {
    static let env = ProcessInfo.processInfo.environment
    static let enabled = env["RECONCILE_BENCH"] == "1"

    /// Every call the engine may make, counts independent of pacing: limits off.
    @Test(.enabled(if: enabled)) func bootstrapCallsWithoutLimits() async throws {
        let n = Int(Self.env["RECONCILE_BENCH_BOOTSTRAP"] ?? "") ?? 600
        let fleet = try await BenchFleet.start(domains: n, limits: false)
        do {
            try await fleet.bootstrap(label: "bootstrap-unlimited", extraArgs: ["--no-rate-limits"])
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    /// The real limits on both sides (client budgets, emulator throttling):
    /// wall time against the floor the limits allow, throttled answers.
    @Test(.enabled(if: enabled && env["RECONCILE_BENCH_LIMITED"] != "0")) func bootstrapWithRealLimits() async throws {
        let p = Int(Self.env["RECONCILE_BENCH_LIMITED_PORKBUN"] ?? "") ?? 20
        let n = Int(Self.env["RECONCILE_BENCH_LIMITED_NAMECHEAP"] ?? "") ?? 20
        // Generate enough domains to pick p at Porkbun and n at Namecheap (the generator mixes them 60/40).
        let fleet = try await BenchFleet.start(domains: 4 * (p + n), keep: ["porkbun": p, "namecheap": n], limits: true)
        do {
            try await fleet.bootstrap(label: "bootstrap-limited", extraArgs: [])
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }
}

/// An `example-fleet` inventory in a temp directory, its accounts pointed at
/// a sandbox world in this process (`endpoint:` per account, the emulators'
/// credentials in the environment), every domain registered and nothing else.
struct BenchFleet {
    let dir: String
    let world: SandboxWorld
    let environment: [String: String]
    /// Domain → registrar API name (`porkbun`, `namecheap`).
    let registrarOf: [String: String]
    let limits: Bool

    static var binary: String { EngineBenchmark.env["RECONCILE_BENCH_BINARY"] ?? CLIRunner.binary }

    static func start(domains: Int, keep: [String: Int]? = nil, limits: Bool) async throws -> BenchFleet {
        let dir = try CLIRunner.temporaryDirectory()
        let gen = try await CLIRunner.runAsync(binary, ["example-fleet", "--domains", "\(domains)", "--out", dir + "/inventory"], cwd: dir)
        guard gen.status == 0 else { throw BenchError("example-fleet failed: \(gen.stderr)") }
        var inventory = try InventoryLoader().load(directory: dir + "/inventory").inventory
        if let keep {
            try trim(dir + "/inventory", inventory: inventory, keep: keep)
            inventory = try InventoryLoader().load(directory: dir + "/inventory").inventory
        }
        var seed: [String: [String]] = [:]
        var registrarOf: [String: String] = [:]
        for d in inventory.domains {
            guard let kind = inventory.account(named: d.registrar)?.kind, kind.isRegistrar else { continue }
            seed[kind.rawValue, default: []].append(d.name)
            registrarOf[d.name] = kind.rawValue
        }
        let world = try await SandboxWorld.start(seed: SandboxSeed(domains: seed), options: SandboxOptions(limits: limits))
        var env = ProcessInfo.processInfo.environment
        var fleet = try String(contentsOfFile: dir + "/inventory/fleet.yaml", encoding: .utf8)
        for account in inventory.sortedAccounts {
            let api: String
            switch account.settings {
            case .porkbun(let p):
                api = "porkbun"
                let d = world.service(api)!.descriptor
                env[p.apiKey.name] = d["apikey"]; env[p.secretKey.name] = d["secretapikey"]
            case .namecheap(let n):
                api = "namecheap"
                let d = world.service(api)!.descriptor
                env[n.apiKey.name] = d["ApiKey"]
                fleet = fleet.replacingOccurrences(of: "api_user: \(n.apiUser)", with: "api_user: \(d["ApiUser"]!)")
                    .replacingOccurrences(of: "client_ip: \(n.clientIP)", with: "client_ip: \(d["ClientIp"]!)")
            case .mailgun(let m):
                api = "mailgun-\(m.region.rawValue)"
                let d = world.service(api)!.descriptor
                env[m.apiKey.name] = d["api_key"]
                if let k = m.webhookSigningKey { env[k.name] = d["webhook_signing_key"] }
            case .zoho(let z):
                api = "zoho"
                let d = world.service(api)!.descriptor
                env[z.clientID.name] = d["client_id"]; env[z.clientSecret.name] = d["client_secret"]
                env[z.refreshToken.name] = d["refresh_token"]
                fleet = fleet.replacingOccurrences(of: "org_id: \"\(z.orgID)\"", with: "org_id: \"\(d["org_id"]!)\"")
            }
            let url = world.service(api)!.descriptor["url"]!
            // The generator writes most accounts in flow style (`name: { … }`), Zoho in block style.
            if fleet.contains("\n  \(account.name): { ") {
                fleet = fleet.replacingOccurrences(of: "\n  \(account.name): { ", with: "\n  \(account.name): { endpoint: \"\(url)\", ")
            } else {
                fleet = fleet.replacingOccurrences(of: "\n  \(account.name):\n", with: "\n  \(account.name):\n    endpoint: \"\(url)\"\n")
            }
        }
        for ref in inventory.secretReferences where (env[ref.name] ?? "").isEmpty { env[ref.name] = "bench-secret-\(ref.name.lowercased())" }
        try fleet.write(toFile: dir + "/inventory/fleet.yaml", atomically: true, encoding: .utf8)
        let bound = try InventoryLoader().load(directory: dir + "/inventory").inventory
        guard bound.sortedAccounts.allSatisfy({ $0.endpoint != nil }) else {
            await world.stop()
            throw BenchError("could not point every account of \(dir)/inventory/fleet.yaml at the emulators")
        }
        return BenchFleet(dir: dir, world: world, environment: env, registrarOf: registrarOf, limits: limits)
    }

    /// Keeps the first `keep[api]` domains of each registrar in the group
    /// files (each domain is one `  - name:` block).
    static func trim(_ directory: String, inventory: Inventory, keep: [String: Int]) throws {
        var left = keep
        let apiOfAccount = Dictionary(uniqueKeysWithValues: inventory.sortedAccounts.map { ($0.name, $0.kind.rawValue) })
        let apiOfDomain = Dictionary(inventory.domains.map { ($0.name, apiOfAccount[$0.registrar] ?? "") }, uniquingKeysWith: { a, _ in a })
        let groups = directory + "/groups"
        for file in try FileManager.default.contentsOfDirectory(atPath: groups).sorted() {
            let path = groups + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let parts = text.components(separatedBy: "\n  - name: ")
            var out = parts[0]
            for block in parts.dropFirst() {
                let name = String(block.prefix { $0 != "\n" })
                guard let api = apiOfDomain[name], let n = left[api], n > 0 else { continue }
                left[api] = n - 1
                out += "\n  - name: " + block
            }
            if !out.hasSuffix("\n") { out += "\n" }
            // A group left without domains would not load: drop the file.
            if out.contains("\n  - name: ") { try out.write(toFile: path, atomically: true, encoding: .utf8) }
            else { try FileManager.default.removeItem(atPath: path) }
        }
    }

    func stop() async {
        await world.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    var common: [String] { ["--inventory", "inventory", "--state", "state.sqlite", "--progress", "never"] }

    /// Waits off the cooperative pool: the emulators in this process need it.
    func reconcile(_ args: [String]) async throws -> (CLIRunner.Output, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let out = try await CLIRunner.runAsync(Self.binary, args + common, cwd: dir, environment: environment)
        return (out, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// API name → endpoint → counts, of every service that has counters.
    func snapshot() -> [String: [String: RequestCounters.Counts]] {
        var out: [String: [String: RequestCounters.Counts]] = [:]
        for s in world.services { if let c = s.counters { out[s.apiName] = c.snapshot } }
        return out
    }

    /// Plan (saved, as on a pull request), then apply and re-plan until
    /// `--plan --detailed-exitcode` exits 0 (at most 6 rounds). Prints one
    /// line per phase, per provider and the totals.
    func bootstrap(label: String, extraArgs: [String]) async throws {
        let domains = registrarOf.count
        var phases: [(String, Double, [String: [String: RequestCounters.Counts]])] = []
        var before = snapshot()
        func phase(_ name: String, _ args: [String], expect: Set<Int32>) async throws -> CLIRunner.Output {
            let (out, seconds) = try await reconcile(args + extraArgs)
            guard expect.contains(out.status) else {
                throw BenchError("\(name): exit \(out.status)\n\(out.stdout.suffix(3000))\n\(out.stderr.suffix(3000))")
            }
            let now = snapshot()
            phases.append((name, seconds, Self.delta(now, before)))
            before = now
            print(String(format: "bench-engine %@ phase %@: %.1f s, %d requests, exit %d", label, name, seconds,
                         Self.grandTotal(phases.last!.2).requests, out.status))
            return out
        }
        _ = try await phase("plan", ["--plan", "--format", "json", "--out", "plans/first.json", "--detailed-exitcode"], expect: [2])
        let first = try Plan.load(from: dir + "/plans/first.json")
        var converged = false
        for round in 1...6 {
            let apply = try await phase("apply\(round)", ["--apply", "--auto-approve"], expect: [0, 1])
            if apply.status != 0 { print("bench-engine \(label) apply\(round) reported failures: \(apply.stderr.suffix(400))") }
            let check = try await phase("check\(round)", ["--plan", "--detailed-exitcode"], expect: [0, 2])
            if check.status == 0 { converged = true; break }
        }
        let wall = phases.reduce(0) { $0 + $1.1 }
        var all: [String: [String: RequestCounters.Counts]] = [:]
        for (_, _, d) in phases { all = Self.sum(all, d) }
        let minimum = Self.minimumCalls(first, registrarOf: registrarOf)
        let perAPI = all.filter { Self.total($0.value).requests > 0 }.sorted { $0.key < $1.key }
        for (api, endpoints) in perAPI {
            let t = Self.total(endpoints)
            let held = registrarOf.values.filter { $0 == api }.count
            let per = held > 0 ? String(format: "%.2f/domain over %d domains", Double(t.requests) / Double(held), held)
                               : String(format: "%.2f/domain over %d domains", Double(t.requests) / Double(domains), domains)
            var line = "bench-engine \(label) \(api): \(t.requests) requests (\(per)), \(t.throttled) throttled, \(t.faults) faults"
            if let m = minimum[api] {
                let least = m.endpoints.values.reduce(0, +)
                line += String(format: "; minimum %d (%@), ratio %.2f (goal <= 1.25)", least, m.detail,
                               Double(t.requests) / Double(max(least, 1)))
            } else {
                line += "; no minimum computed"
            }
            if limits, let floor = Self.floor(api: api, requests: t.requests) {
                line += String(format: "; floor at the real limit %.0f s", floor)
            }
            line += "; by endpoint: " + endpoints.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.requests)" + ($0.value.throttled > 0 ? "(\($0.value.throttled) throttled)" : "") }
                .joined(separator: " ")
            print(line)
            // Per endpoint against its share of the minimum (an endpoint the minimum does not need shows minimum 0).
            guard let m = minimum[api] else { continue }
            for e in Set(endpoints.keys).union(m.endpoints.keys).sorted() {
                let n = endpoints[e]?.requests ?? 0, least = m.endpoints[e] ?? 0
                let ratio = least > 0 ? String(format: "%.2f", Double(n) / Double(least)) : "-"
                print("bench-engine \(label) \(api) endpoint \(e): \(n) requests, minimum \(least), ratio \(ratio)")
            }
        }
        let t = Self.grandTotal(all)
        var summary = String(format: "bench-engine %@ total: %d domains, %@ after %d apply round(s), %.1f s wall, %d requests (%.2f/domain), %d throttled",
                             label, domains, converged ? "converged" : "NOT converged",
                             phases.filter { $0.0.hasPrefix("apply") }.count, wall, t.requests, Double(t.requests) / Double(domains), t.throttled)
        if limits {
            let floor = perAPI.compactMap { Self.floor(api: $0.key, requests: Self.total($0.value).requests) }.max() ?? 0
            summary += String(format: "; floor %.0f s (Porkbun 1/s, Namecheap 20/min, Zoho 1/s, Mailgun 300/min; accounts in parallel); used share of the allowed rate %.0f %%",
                              floor, wall > 0 ? floor / wall * 100 : 0)
            // The phases are processes run one after another (the apply starts from
            // the saved plan), so each phase's binding account bounds that phase
            // alone: the sum is also a floor, and a tighter one (issue #13 §4).
            let byPhase = phases.map { Self.phaseFloor($0.2) }
            let phased = byPhase.reduce(0, +)
            summary += String(format: "; floor by phase %.0f s (%@); used share by phase %.0f %%", phased,
                              zip(phases, byPhase).map { String(format: "%@ %.0f s", $0.0.0, $0.1) }.joined(separator: ", "),
                              wall > 0 ? phased / wall * 100 : 0)
        }
        print(summary)
    }

    /// The least time the limits allow for `requests` calls on one account
    /// (registrars.md A5, B5): Porkbun 1/s; Namecheap 20 per minute (and
    /// 700/h); Zoho and Mailgun at their clients' budgets (1/s, 300/min).
    static func floor(api: String, requests n: Int) -> Double? {
        guard n > 0 else { return nil }
        switch api {
        case "porkbun", "zoho": return Double(n - 1)   // Zoho: the client's 1/s (mail-platforms.md)
        case "mailgun-us", "mailgun-eu": return Double((n - 1) / 300) * 60
        case "namecheap":
            // Each full 700/h window costs the hour; the rest goes at 20 a minute.
            let hours = (n - 1) / 700
            return Double(hours) * 3600 + Double(((n - 1) % 700) / 20) * 60
        default: return nil
        }
    }

    /// The floor of one phase: its binding account's (accounts in parallel).
    static func phaseFloor(_ apis: [String: [String: RequestCounters.Counts]]) -> Double {
        apis.compactMap { floor(api: $0.key, requests: total($0.value).requests) }.max() ?? 0
    }

    /// The fewest calls that could bootstrap the fleet from the first plan,
    /// per API and endpoint (issue #13 §2):
    /// - registrars: the listing pages, one zone read per domain, then
    ///   Porkbun one call per changed record (`dns/create`, `dns/edit`,
    ///   `dns/delete`), Namecheap one setHosts per changed domain — plus, on a
    ///   domain whose Zoho domain the plan creates, the Zoho DKIM record, which
    ///   only Zoho's verification unlocks (a record create at Porkbun, a second
    ///   setHosts at Namecheap); a nameserver change is one call either way;
    /// - Mailgun (per region): one domain listing, then per domain the
    ///   writes the plan names (domain create, verify, credential and
    ///   webhook creates, route creates after one route listing) and the one
    ///   read of the domain, its credentials and its webhooks that tells the
    ///   check the domain converged;
    /// - Zoho: see below (the DKIM key's three PUTs are inherent once the
    ///   domain is verified).
    static func minimumCalls(_ plan: Plan, registrarOf: [String: String]) -> [String: (endpoints: [String: Int], detail: String)] {
        var out: [String: (endpoints: [String: Int], detail: String)] = [:]
        let zohoCreated = Set(plan.actions.filter { $0.operation == .create && $0.address.kind == .zohoDomain && $0.address.identity.isEmpty }
            .map(\.address.domain))
        for api in Set(registrarOf.values).sorted() {
            let domains = Set(registrarOf.filter { $0.value == api }.keys)
            let changes = plan.actions.filter { $0.operation.isChange && domains.contains($0.address.domain) }
            let records = changes.filter { $0.address.kind == .dnsRecord }
            let ns = changes.filter { $0.address.kind == .nameservers }.count
            let zohoDKIM = domains.intersection(zohoCreated).count
            // The first plan names the DKIM record itself where it plans the key behind
            // the verification (its second write): not counted twice.
            let plannedDKIM = records.filter { $0.operation == .create && $0.batch?.hasSuffix(":after-zoho-verify") == true }.count
            var e: [String: Int] = [:]
            if api == "namecheap" {
                e["namecheap.domains.getlist"] = (domains.count + 99) / 100
                e["namecheap.domains.dns.gethosts"] = domains.count
                e["namecheap.domains.dns.sethosts"] = Set(records.map(\.address.domain)).count + zohoDKIM
                if ns > 0 { e["namecheap.domains.dns.setdefault"] = ns }
            } else {
                e["domain/listAll"] = (domains.count + 999) / 1000
                e["dns/retrieve"] = domains.count
                e["dns/create"] = records.filter { $0.operation == .create }.count + zohoDKIM - plannedDKIM
                e["dns/edit"] = records.filter { $0.operation == .update }.count
                e["dns/delete"] = records.filter { $0.operation == .delete }.count
                if ns > 0 { e["domain/updateNs"] = ns }
            }
            out[api] = (e.filter { $0.value > 0 }, "listing + \(domains.count) reads + the writes the first plan names + \(zohoDKIM) Zoho DKIM writes")
        }
        var mailgun: [String: [String: Int]] = [:]
        for a in plan.actions where a.operation.isChange || a.operation == .verify {
            guard case .string(let region)? = (a.after ?? a.before)?["region"],
                  [.mailgunDomain, .mailgunCredential, .mailgunWebhook, .mailgunRoute].contains(a.address.kind) else { continue }
            let api = "mailgun-\(region)"
            var e = mailgun[api] ?? ["GET /v4/domains": 1]
            switch (a.address.kind, a.operation) {
            case (.mailgunDomain, .create):
                e["POST /v4/domains", default: 0] += 1
                for read in ["GET /v4/domains/:id", "GET /v3/domains/:id/credentials", "GET /v3/domains/:id/webhooks"] { e[read, default: 0] += 1 }
            case (.mailgunDomain, .verify): e["PUT /v4/domains/:id/verify", default: 0] += 1
            case (.mailgunCredential, .create): e["POST /v3/domains/:id/credentials", default: 0] += 1
            case (.mailgunWebhook, .create): e["POST /v3/domains/:id/webhooks", default: 0] += 1
            case (.mailgunRoute, .create): e["POST /v3/routes", default: 0] += 1; e["GET /v3/routes"] = 1
            default: break
            }
            mailgun[api] = e
        }
        for (api, e) in mailgun { out[api] = (e, "1 listing + the writes the first plan names + 1 read each of domain, credentials, webhooks per created domain") }
        // Zoho: one token, one domain and one user listing; per created domain the create,
        // five PUTs (TXT verify, mail hosting, then the DKIM key's add, verify, make default)
        // and one read; one POST per user (a mailbox: as many as the domain's SMTP credentials).
        var zoho: [String: Int] = [:]
        for a in plan.actions where a.operation == .create {
            if a.address.kind == .zohoDomain && a.address.identity.isEmpty {
                zoho["POST /api/organization/:id/domains", default: 0] += 1
                zoho["PUT /api/organization/:id/domains/:id", default: 0] += 5
                zoho["GET /api/organization/:id/domains/:id", default: 0] += 1
            } else if a.address.kind == .mailgunCredential && zohoCreated.contains(a.address.domain) {
                // Users are planned once Zoho verified the domain: one per mailbox, as the credentials.
                zoho["POST /api/organization/:id/accounts", default: 0] += 1
            }
        }
        if !zoho.isEmpty {
            zoho["POST /oauth/v2/token"] = 1
            zoho["GET /api/organization/:id/domains"] = 1
            zoho["GET /api/organization/:id/accounts"] = 1
            out["zoho"] = (zoho, "token + 2 listings + per created domain 1 create, 5 PUTs, 1 read + 1 POST per user")
        }
        return out
    }

    static func add(_ a: RequestCounters.Counts, _ b: RequestCounters.Counts) -> RequestCounters.Counts {
        var c = RequestCounters.Counts()
        c.requests = a.requests + b.requests
        c.throttled = a.throttled + b.throttled
        c.faults = a.faults + b.faults
        return c
    }

    static func total(_ endpoints: [String: RequestCounters.Counts]) -> RequestCounters.Counts {
        endpoints.values.reduce(RequestCounters.Counts(), add)
    }

    static func grandTotal(_ apis: [String: [String: RequestCounters.Counts]]) -> RequestCounters.Counts {
        apis.values.map { total($0) }.reduce(RequestCounters.Counts(), add)
    }

    static func sum(_ a: [String: [String: RequestCounters.Counts]], _ b: [String: [String: RequestCounters.Counts]])
        -> [String: [String: RequestCounters.Counts]] {
        a.merging(b) { x, y in x.merging(y, uniquingKeysWith: add) }
    }

    static func delta(_ now: [String: [String: RequestCounters.Counts]], _ before: [String: [String: RequestCounters.Counts]])
        -> [String: [String: RequestCounters.Counts]] {
        var out: [String: [String: RequestCounters.Counts]] = [:]
        for (api, endpoints) in now {
            for (e, c) in endpoints {
                let b = before[api]?[e] ?? RequestCounters.Counts()
                var d = RequestCounters.Counts()
                d.requests = c.requests - b.requests
                d.throttled = c.throttled - b.throttled
                d.faults = c.faults - b.faults
                if d.requests > 0 || d.throttled > 0 { out[api, default: [:]][e] = d }
            }
        }
        return out
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
