import Foundation
import Testing

/// `reconcile check --sandbox` through the binary: the sandbox's zones are
/// served by a real Knot and its web forwards by the sandbox's forwarding
/// host; the converged fleet is as declared, and a record removed or a
/// forward changed behind our back (in the saved world) is found and named.
/// `drift --via dns` then reads through the APIs only what DNS shows differing.
@Suite(.serialized) struct CheckCommandTests {
    /// Edits the saved sandbox world (`world.json`) in place.
    static func editWorld(_ dir: String, _ change: (inout [String: Any]) throws -> Void) throws {
        let path = dir + "/.reconcile/sandbox/world.json"
        var world = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        try change(&world)
        try JSONSerialization.data(withJSONObject: world).write(to: URL(fileURLWithPath: path))
    }

    /// One domain of one registrar's state in the world, edited.
    static func editDomain(_ world: inout [String: Any], _ api: String, _ name: String,
                           _ change: (inout [String: Any]) throws -> Void) throws {
        var registrar = try #require(world[api] as? [String: Any])
        var domains = try #require(registrar["domains"] as? [String: Any])
        var domain = try #require(domains[name] as? [String: Any])
        try change(&domain)
        domains[name] = domain
        registrar["domains"] = domains
        world[api] = registrar
    }

    /// `sandbox: N API requests (namecheap 0, porkbun 0, …)` → per API.
    static func apiRequests(_ stderr: String) -> [String: Int] {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("sandbox: ") && $0.contains("API requests") }),
              let open = line.firstIndex(of: "(") else { return [:] }
        var out: [String: Int] = [:]
        for part in line[line.index(after: open)...].dropLast().split(separator: ",") {
            let words = part.split(separator: " ")
            if words.count == 2, let n = Int(words[1]) { out[String(words[0])] = n }
        }
        return out
    }

    @Test func theConvergedSandboxFleetChecksCleanAndChangesAreNamed() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let apply = try CLIRunner.reconcile(["--apply", "--auto-approve"] + args, cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")

        // Six domains, each forwarding the apex and www.
        let clean = try CLIRunner.reconcile(["check"] + args, cwd: dir)
        #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")
        #expect(clean.stdout.contains("and 12 web forwards over HTTP via 127.0.0.1:"), "\(clean.stdout)")
        #expect(clean.stdout.contains("6 as declared, 0 with differences"), "\(clean.stdout)")

        // DNS first on a healthy fleet: no API read at all.
        let healthy = try CLIRunner.reconcile(["drift", "--via", "dns"] + args, cwd: dir)
        #expect(healthy.status == 0, "\(healthy.stdout)\n\(healthy.stderr)")
        #expect(healthy.stdout.contains("DNS first: 6 of 6 domains as declared in DNS and over HTTP; no domain read through the APIs."),
                "\(healthy.stdout)")
        let quiet = Self.apiRequests(healthy.stderr)
        #expect(quiet["porkbun"] == 0 && quiet["namecheap"] == 0, "\(healthy.stderr)")
        #expect(quiet.values.reduce(0, +) == 0, "\(healthy.stderr)")

        // At the registrars: the DMARC record vanishes, the apex forward points
        // elsewhere (Porkbun), the www forward becomes temporary (Namecheap).
        try Self.editWorld(dir) { world in
            try Self.editDomain(&world, "porkbun", "acme-mail.com") { d in
                let records = try #require(d["records"] as? [[String: Any]])
                d["records"] = records.filter { ($0["name"] as? String) != "_dmarc.acme-mail.com" }
                let forwards = try #require(d["forwards"] as? [[String: Any]])
                d["forwards"] = forwards.map { f in
                    var f = f
                    if (f["subdomain"] as? String) == "" { f["location"] = "https://parked.example" }
                    return f
                }
            }
            try Self.editDomain(&world, "namecheap", "acme-outreach.net") { d in
                let hosts = try #require(d["hosts"] as? [[String: Any]])
                d["hosts"] = hosts.map { h in
                    var h = h
                    if (h["name"] as? String) == "www", (h["type"] as? String) == "URL301" { h["type"] = "URL" }
                    return h
                }
            }
        }

        let found = try CLIRunner.reconcile(["check"] + args, cwd: dir)
        #expect(found.status == 2, "\(found.stdout)\n\(found.stderr)")
        #expect(found.stdout.contains("_dmarc.acme-mail.com TXT (dmarc) missing"), "\(found.stdout)")
        #expect(found.stdout.contains("✗ HEAD http://acme-mail.com/ (web forward) differs: expected 301 https://acme.com, answered 301 https://parked.example/ (Location elsewhere)"),
                "\(found.stdout)")
        #expect(found.stdout.contains("✗ HEAD http://www.acme-outreach.net/ (web forward) differs: expected 301 https://acme.com, answered 302 https://acme.com/ (status 302, declared 301)"),
                "\(found.stdout)")
        #expect(found.stdout.contains("4 as declared, 2 with differences"), "\(found.stdout)")
        let json = try CLIRunner.reconcile(["check", "--format", "json", "--domain", "acme-outreach.net"] + args, cwd: dir)
        #expect(json.status == 2)
        #expect(json.stdout.contains("\"url\" : \"http://www.acme-outreach.net/\""), "\(json.stdout)")

        // DNS first reads exactly the two domains through the APIs and reports their drift as `drift` does.
        let dnsFirst = try CLIRunner.reconcile(["drift", "--via", "dns"] + args, cwd: dir)
        #expect(dnsFirst.status == 2, "\(dnsFirst.stdout)\n\(dnsFirst.stderr)")
        #expect(dnsFirst.stdout.contains("read through the APIs: acme-mail.com (differs), acme-outreach.net (differs)."), "\(dnsFirst.stdout)")
        #expect(dnsFirst.stdout.contains("Drift in 2 domains"), "\(dnsFirst.stdout)")
        #expect(dnsFirst.stdout.contains("~ web forward @ → https://acme.com (301)"), "\(dnsFirst.stdout)")
        let full = try CLIRunner.reconcile(["drift"] + args, cwd: dir)
        #expect(full.status == 2)
        let (some, all) = (Self.apiRequests(dnsFirst.stderr), Self.apiRequests(full.stderr))
        let registrars = { (c: [String: Int]) in (c["porkbun"] ?? 0) + (c["namecheap"] ?? 0) }
        #expect(registrars(some) > 0 && registrars(some) < registrars(all), "dns first \(some), full \(all)")

        let scoped = try CLIRunner.reconcile(["check", "--domain", "getacme.io", "--format", "json"] + args, cwd: dir)
        #expect(scoped.status == 0, "\(scoped.stdout)\n\(scoped.stderr)")
        #expect(scoped.stdout.contains("\"domain\" : \"getacme.io\"") && !scoped.stdout.contains("acme-mail.com"))
    }

    /// Deletes a Porkbun domain's `_dmarc` record in the saved sandbox world, as if removed behind our back.
    static func removeDMARC(of name: String, inSandboxAt dir: String) throws {
        try editWorld(dir) { world in
            try editDomain(&world, "porkbun", name) { d in
                let records = try #require(d["records"] as? [[String: Any]])
                d["records"] = records.filter { ($0["name"] as? String) != "_dmarc.\(name)" }
            }
        }
    }

    @Test func aBadNameserverOrWebServerIsRefusedInWords() throws {
        let r = try CLIRunner.reconcile(["check", "--nameserver", "dns.example.net:53x"], cwd: CLIRunner.repositoryRoot)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--nameserver dns.example.net:53x: expected an IP address and port"), "\(r.stderr)")
        let w = try CLIRunner.reconcile(["check", "--web-via", "127.0.0.1"], cwd: CLIRunner.repositoryRoot)
        #expect(w.status == 64)
        #expect(w.stderr.contains("--web-via 127.0.0.1: expected an IP address and port"), "\(w.stderr)")
        let d = try CLIRunner.reconcile(["drift", "--web-via", "127.0.0.1:8080"], cwd: CLIRunner.repositoryRoot)
        #expect(d.status == 64)
        #expect(d.stderr.contains("--nameserver and --web-via go with --via dns"), "\(d.stderr)")
    }
}
