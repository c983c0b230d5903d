import Foundation
import Testing
import Inventory

/// `promote-spare` on copies of the repository's example inventory: the
/// smallest textual edit, comments kept, the result valid, and refusals
/// that name the file and line and leave every file as it was.
@Suite struct SparePromotionTests {
    /// A copy of `inventory/` in a new temporary directory (removed by the caller).
    static func copyOfExample() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promote-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.copyItem(atPath: Fixtures.repositoryInventory, toPath: dir)
        return dir
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theSpareBecomesActiveAndTheReplacedDomainRetiredByAMinimalEdit() throws {
        let dir = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/groups/us-outreach.yaml"
        let before = try Self.read(file)
        let fleetBefore = try Self.read(dir + "/fleet.yaml")
        let desiredBefore = try InventoryLoader().loadAndCompile(directory: dir).desired

        let p = try SparePromotion.prepare(directory: dir, group: "us-outreach", replace: "acme-outreach.net")
        #expect(p.promoted.name == "getacme.io")
        #expect(p.retired?.name == "acme-outreach.net")
        #expect(try Self.read(file) == before)          // prepare writes nothing
        try p.write()

        let expectedDiff = [
            "--- \(file)", "+++ \(file)", "@@ -12,12 +12,13 @@", " ",
            "   - name: acme-outreach.net", "     registrar: namecheap", "+    role: retired",
            "     warmup: { schedule: standard, started: 2026-11-09 }", "     mailboxes: [carol, dave]", " ",
            "   - name: getacme.io", "     registrar: porkbun",
            "-    role: spare                   # reconciled and warmed, but not in rotation",
            "+    role: active                  # reconciled and warmed, but not in rotation",
            "     warmup: { schedule: standard, started: 2026-11-16 }", "     mailboxes:",
            "       - { local: erin, display_name: \"Erin Walsh\" }", "",
        ].joined(separator: "\n")
        #expect(p.diff == expectedDiff)
        // Every other line, comments included, is byte for byte the same; other files are untouched.
        let after = try Self.read(file)
        #expect(after == p.edits[0].after)
        var expected = before.replacingOccurrences(of: "    role: spare                   #", with: "    role: active                  #")
        expected = expected.replacingOccurrences(of: "    registrar: namecheap\n", with: "    registrar: namecheap\n    role: retired\n")
        #expect(after == expected)
        #expect(try Self.read(dir + "/fleet.yaml") == fleetBefore)

        // The result validates, and the desired state changes exactly as meant.
        let desired = try InventoryLoader().loadAndCompile(directory: dir).desired
        let old = Dictionary(uniqueKeysWithValues: desiredBefore.domains.map { ($0.name, $0) })
        let new = Dictionary(uniqueKeysWithValues: desired.domains.map { ($0.name, $0) })
        #expect(old["getacme.io"]?.inRotation == false && new["getacme.io"]?.inRotation == true)
        #expect(new["acme-outreach.net"]?.role == .retired)
        #expect(new["acme-outreach.net"]?.mailgun.ensure == .absent)
        #expect(new["acme-outreach.net"]?.records.filter { $0.purpose != .extra }.allSatisfy { $0.ensure == .absent } == true)
        #expect(desired.mailboxes.filter { $0.domain == "getacme.io" }.allSatisfy { $0.inRotation })
        // Nothing else moved.
        for name in old.keys where !["getacme.io", "acme-outreach.net"].contains(name) {
            #expect(old[name]?.records == new[name]?.records, "\(name)")
            #expect(old[name]?.inRotation == new[name]?.inRotation, "\(name)")
        }
    }

    @Test func withoutReplaceOnlyTheSpareChanges() throws {
        let dir = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try SparePromotion.prepare(directory: dir, group: "us-outreach", replace: nil)
        #expect(p.retired == nil)
        #expect(p.edits.count == 1)
        #expect(p.diff.split(separator: "\n").filter { $0.hasPrefix("+") || $0.hasPrefix("-") }.count == 4)   // two headers, one line out, one in
    }

    /// Flow mappings are edited in place: the value replaced, or `role:` added after `registrar:`.
    @Test func flowStyleDomainsAreEditedInsideTheirBraces() throws {
        let dir = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/groups/us-outreach.yaml"
        try """
        group: us-outreach   # flow style
        pool: mailgun-us
        domains:
          - { name: acme-mail.com, registrar: porkbun, mailboxes: [alice] }  # the old one
          - { name: getacme.io, registrar: porkbun, role: "spare", mailboxes: [erin] }

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let p = try SparePromotion.prepare(directory: dir, group: "us-outreach", replace: "acme-mail.com")
        try p.write()
        #expect(try Self.read(file) == """
        group: us-outreach   # flow style
        pool: mailgun-us
        domains:
          - { name: acme-mail.com, registrar: porkbun, role: retired, mailboxes: [alice] }  # the old one
          - { name: getacme.io, registrar: porkbun, role: "active", mailboxes: [erin] }

        """)
        _ = try InventoryLoader().loadAndCompile(directory: dir)
    }

    @Test(arguments: [
        ("no-such-group", nil, "no group 'no-such-group' in the inventory"),
        ("eu-outreach", nil, "groups/eu-outreach.yaml:1:8: group eu-outreach has no spare ready to promote: no domain with role: spare"),
        ("us-outreach", "acme-mail.de", "groups/eu-outreach.yaml:7:11: acme-mail.de is in group eu-outreach, not in us-outreach"),
        ("us-outreach", "nowhere.example", "groups/us-outreach.yaml:3:8: no domain 'nowhere.example' in group us-outreach; its domains: acme-mail.com, acme-outreach.net, getacme.io"),
        ("us-outreach", "getacme.io", "groups/us-outreach.yaml:18:11: getacme.io is spare, not active: only an active domain is replaced"),
    ] as [(String, String?, String)])
    func refusalsNameTheFileAndLineAndWriteNothing(group: String, replace: String?, message: String) throws {
        let dir = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try Self.read(dir + "/groups/us-outreach.yaml")
        #expect {
            _ = try SparePromotion.prepare(directory: dir, group: group, replace: replace)
        } throws: { error in
            "\(error)".replacingOccurrences(of: dir + "/", with: "").contains(message)
        }
        #expect(try Self.read(dir + "/groups/us-outreach.yaml") == before)
    }

    @Test func aSpareWithoutMailboxesIsNotReady() throws {
        let dir = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/groups/us-outreach.yaml"
        let text = try Self.read(file)
        let cut = try #require(text.range(of: "    mailboxes:\n      - { local: erin"))
        try String(text[..<cut.lowerBound]).write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            _ = try SparePromotion.prepare(directory: dir, group: "us-outreach", replace: nil)
        } throws: { error in
            "\(error)".contains("its spares have no mailboxes (getacme.io at \(file):18:11)")
        }
    }
}
