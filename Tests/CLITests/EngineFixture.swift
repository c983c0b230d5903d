import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox

/// A temp directory holding a copy of an inventory whose accounts point at a
/// sandbox world running in the test process, with the emulators'
/// credentials in the environment: `reconcile --plan/--apply/drift` run as
/// subprocesses against it exactly as against real providers, and the world
/// outlives them (a SIGKILLed apply leaves its effects for the test to count).
struct EngineFixture {
    let dir: String
    let world: SandboxWorld
    let environment: [String: String]
    let limits: Bool
    /// Stands in for the SMTP master secret; must never show up in output.
    static let canary = "CANARY-master-secret-7f3a9c1e"

    /// `limits`: the emulators enforce the providers' real rate limits, and
    /// `reconcile` runs with its budgets on (see `reconcile(_:)`).
    static func start(inventory source: String = CLIRunner.repositoryRoot + "/inventory", faults: FaultProfile = .none,
                      faultSeed: UInt64 = 1, limits: Bool = false, publishDNS: Bool = false) async throws -> EngineFixture {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(atPath: source, toPath: dir + "/inventory")
        let inventory = try InventoryLoader().load(directory: dir + "/inventory").inventory
        var seed: [String: [String]] = [:]
        for d in inventory.domains {
            guard let kind = inventory.account(named: d.registrar)?.kind, kind.isRegistrar else { continue }
            seed[kind.rawValue, default: []].append(d.name)
        }
        // The Zoho emulator is the inventory's organisation (region and org id).
        let zoho = try inventory.sortedAccounts.compactMap(\.zoho).first.map { try SandboxZohoOrg(region: $0.region.rawValue, orgID: $0.orgID) }
        let world = try await SandboxWorld.start(
            seed: SandboxSeed(domains: seed, zoho: zoho),
            options: SandboxOptions(limits: limits, faults: faults, faultSeed: faultSeed, publishDNS: publishDNS))
        var env = ProcessInfo.processInfo.environment
        var endpoints: [String: String] = [:]
        var replacements: [(String, String)] = []
        for account in inventory.sortedAccounts {
            switch account.settings {
            case .porkbun(let p):
                let d = world.service("porkbun")!.descriptor
                env[p.apiKey.name] = d["apikey"]; env[p.secretKey.name] = d["secretapikey"]
                endpoints[account.name] = d["url"]
            case .namecheap(let n):
                let d = world.service("namecheap")!.descriptor
                env[n.apiKey.name] = d["ApiKey"]
                replacements += [("api_user: \(n.apiUser)", "api_user: \(d["ApiUser"]!)"),
                                 ("client_ip: \(n.clientIP)", "client_ip: \(d["ClientIp"]!)")]
                endpoints[account.name] = d["url"]
            case .mailgun(let m):
                let d = world.service("mailgun-\(m.region.rawValue)")!.descriptor
                env[m.apiKey.name] = d["api_key"]
                if let k = m.webhookSigningKey { env[k.name] = d["webhook_signing_key"] }
                endpoints[account.name] = d["url"]
            case .zoho(let z):
                let d = world.service("zoho")!.descriptor
                env[z.clientID.name] = d["client_id"]; env[z.clientSecret.name] = d["client_secret"]
                env[z.refreshToken.name] = d["refresh_token"]
                endpoints[account.name] = d["url"]
            }
        }
        for ref in inventory.secretReferences where env[ref.name] == nil { env[ref.name] = "test-secret-\(ref.name.lowercased())" }
        if let s = inventory.defaults.smtpPasswordSecret { env[s.name] = canary }

        // Point each account at its emulator: `endpoint:` right under the account's key.
        var fleet = try String(contentsOfFile: dir + "/inventory/fleet.yaml", encoding: .utf8)
        for (from, to) in replacements { fleet = fleet.replacingOccurrences(of: from, with: to) }
        for (name, url) in endpoints {
            fleet = fleet.replacingOccurrences(of: "\n  \(name):\n", with: "\n  \(name):\n    endpoint: \(url)\n")
        }
        try fleet.write(toFile: dir + "/inventory/fleet.yaml", atomically: true, encoding: .utf8)
        return EngineFixture(dir: dir, world: world, environment: env, limits: limits)
    }

    /// `reconcile ARGS --inventory inventory --progress never` in the fixture's
    /// directory; `--no-rate-limits` unless the emulators enforce the real ones.
    func reconcile(_ args: [String], extraEnvironment: [String: String] = [:]) async throws -> CLIRunner.Output {
        let quiet = args.contains("--progress") ? [] : ["--progress", "never"]
        let budgets = limits ? [] : ["--no-rate-limits"]
        return try await CLIRunner.runAsync(CLIRunner.binary, args + ["--inventory", "inventory"] + budgets + quiet, cwd: dir,
                          environment: environment.merging(extraEnvironment) { _, extra in extra })
    }

    /// The shared libraries the dynamic loader opened while `reconcile ARGS`
    /// ran, from glibc's own trace (`LD_DEBUG=files`), dlopen'ed ones included.
    func loadedLibraries(_ args: [String]) async throws -> (output: CLIRunner.Output, libraries: Set<String>) {
        let trace = dir + "/ld-trace-\(UUID().uuidString)"
        let output = try await reconcile(args, extraEnvironment: ["LD_DEBUG": "files", "LD_DEBUG_OUTPUT": trace])
        var libraries = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where (dir + "/" + name).hasPrefix(trace) {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            // "     12345:	file=libcurl.so.4 [0];  dynamically loaded by …" (or the whole path)
            for line in text.split(separator: "\n") {
                guard let r = line.range(of: "file="), let end = line[r.upperBound...].firstIndex(of: " ") else { continue }
                libraries.insert(String(line[r.upperBound..<end].split(separator: "/").last ?? ""))
            }
            try FileManager.default.removeItem(atPath: dir + "/" + name)
        }
        return (output, libraries)
    }

    /// Applies until a plan shows no changes (at most `rounds` applies): on a
    /// loaded machine a verification may still wait on DNS after the first
    /// apply, which ends "waiting" — correct, but not yet converged.
    @discardableResult
    func converge(_ extra: [String] = [], rounds: Int = 4) async throws -> Bool {
        for _ in 0..<rounds {
            _ = try await reconcile(["--apply", "--auto-approve"] + extra)
            if try await reconcile(["--plan", "--detailed-exitcode"]).status == 0 { return true }
        }
        return false
    }

    /// Throttled answers of every emulator so far, by service and endpoint.
    var throttled: [String: Int] {
        var out: [String: Int] = [:]
        for s in world.services {
            for (endpoint, c) in s.counters?.snapshot ?? [:] where c.throttled > 0 { out["\(s.apiName) \(endpoint)"] = c.throttled }
        }
        return out
    }

    /// Requests every emulator answered since the last `resetCounters()`, by service and endpoint.
    var requests: [String: Int] {
        var out: [String: Int] = [:]
        for s in world.services {
            for (endpoint, c) in s.counters?.snapshot ?? [:] where c.requests > 0 { out["\(s.apiName) \(endpoint)"] = c.requests }
        }
        return out
    }

    func resetCounters() { for s in world.services { s.counters?.reset() } }

    func stop() async {
        await world.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    var porkbun: PorkbunClient {
        let d = world.service("porkbun")!.descriptor
        return PorkbunClient(baseURL: URL(string: d["url"]!)!, credentials: PorkbunCredentials(apiKey: d["apikey"]!, secretKey: d["secretapikey"]!),
                             budget: .unlimited())
    }

    var namecheap: NamecheapClient {
        let d = world.service("namecheap")!.descriptor
        return NamecheapClient(baseURL: URL(string: d["url"]!)!, credentials: NamecheapCredentials(
            apiUser: d["ApiUser"]!, apiKey: d["ApiKey"]!, userName: d["UserName"], clientIP: d["ClientIp"]!), budget: .unlimited())
    }

    func mailgun(_ region: MailgunRegion) -> MailgunClient {
        let d = world.service("mailgun-\(region.rawValue)")!.descriptor
        return MailgunClient(region: region, apiKey: d["api_key"]!, endpoint: URL(string: d["url"]!)!, budget: .unlimited())
    }

    var zoho: ZohoClient {
        let d = world.service("zoho")!.descriptor
        return ZohoClient(region: ZohoRegion(rawValue: d["region"]!)!, orgID: d["org_id"]!, clientID: d["client_id"]!,
                          clientSecret: d["client_secret"]!, refreshToken: d["refresh_token"]!,
                          mailEndpoint: URL(string: d["url"]!)!, accountsEndpoint: URL(string: d["accounts_url"]!)!,
                          budget: .unlimited())
    }

    /// Edits a file of the fixture's inventory.
    func edit(_ file: String, _ change: (String) -> String) throws {
        let path = dir + "/inventory/" + file
        try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
