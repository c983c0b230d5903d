import Foundation
import Testing

/// `reconcile check --sandbox` through the binary: the sandbox's zones are
/// served by a real Knot, the converged fleet is as declared, and a record
/// removed behind our back (in the saved world) is found and named.
@Suite(.serialized) struct CheckCommandTests {
    @Test func theConvergedSandboxFleetChecksCleanAndARemovedRecordIsNamed() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let apply = try CLIRunner.reconcile(["--apply", "--auto-approve"] + args, cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")

        let clean = try CLIRunner.reconcile(["check"] + args, cwd: dir)
        #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")
        #expect(clean.stdout.contains("6 as declared, 0 with differences"), "\(clean.stdout)")

        // The DMARC record vanishes at the registrar (edited in the saved world).
        try Self.removeDMARC(of: "acme-mail.com", inSandboxAt: dir)

        let found = try CLIRunner.reconcile(["check"] + args, cwd: dir)
        #expect(found.status == 2, "\(found.stdout)\n\(found.stderr)")
        #expect(found.stdout.contains("_dmarc.acme-mail.com TXT (dmarc) missing"), "\(found.stdout)")
        #expect(found.stdout.contains("5 as declared, 1 with differences"))

        let scoped = try CLIRunner.reconcile(["check", "--domain", "getacme.io", "--format", "json"] + args, cwd: dir)
        #expect(scoped.status == 0, "\(scoped.stdout)\n\(scoped.stderr)")
        #expect(scoped.stdout.contains("\"domain\" : \"getacme.io\"") && !scoped.stdout.contains("acme-mail.com"))
    }

    /// Deletes a Porkbun domain's `_dmarc` record in the saved sandbox world, as if removed behind our back.
    static func removeDMARC(of name: String, inSandboxAt dir: String) throws {
        let worldPath = dir + "/.reconcile/sandbox/world.json"
        var world = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: worldPath))) as? [String: Any])
        var porkbun = try #require(world["porkbun"] as? [String: Any])
        var domains = try #require(porkbun["domains"] as? [String: Any])
        var domain = try #require(domains[name] as? [String: Any])
        let records = try #require(domain["records"] as? [[String: Any]])
        domain["records"] = records.filter { ($0["name"] as? String) != "_dmarc.\(name)" }
        domains[name] = domain
        porkbun["domains"] = domains
        world["porkbun"] = porkbun
        try JSONSerialization.data(withJSONObject: world).write(to: URL(fileURLWithPath: worldPath))
    }

    @Test func aBadNameserverIsRefusedInWords() throws {
        let r = try CLIRunner.reconcile(["check", "--nameserver", "dns.example.net:53x"], cwd: CLIRunner.repositoryRoot)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--nameserver dns.example.net:53x: expected an IP address and port"), "\(r.stderr)")
    }
}
