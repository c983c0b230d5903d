import Foundation
@testable import Inventory
import Testing

/// `DesiredState.changedSinceDiff(since:)`: the pure part of `--changed-since`,
/// on the repository's example inventory edited in memory.
@Suite struct ChangedSinceDiffTests {
    /// The example inventory's files as (relative path, text).
    static func exampleFiles() throws -> [(file: String, text: String)] {
        let dir = Fixtures.repositoryInventory
        return try ["fleet.yaml", "groups/eu-outreach.yaml", "groups/us-outreach.yaml"].map {
            ($0, try String(contentsOfFile: dir + "/" + $0, encoding: .utf8))
        }
    }

    static func compile(_ files: [(file: String, text: String)]) throws -> DesiredState {
        try DesiredStateCompiler.compile(try InventoryLoader().load(files: files).inventory)
    }

    /// The example inventory with `old` replaced by `new` in `file` (which must contain it once).
    static func edited(_ file: String, _ old: String, _ new: String) throws -> [(file: String, text: String)] {
        try exampleFiles().map { f in
            guard f.file == file else { return f }
            #expect(f.text.components(separatedBy: old).count == 2, "\(old) must occur once in \(file)")
            return (f.file, f.text.replacingOccurrences(of: old, with: new))
        }
    }

    static func changes(_ edited: [(file: String, text: String)]) throws -> ChangedSinceDiff {
        try compile(edited).changedSinceDiff(since: try compile(try exampleFiles()))
    }

    static let allDomains: Set<String> = ["acme-mail.com", "acme-mail.de", "acme-outreach.net", "acmehq.eu", "getacme.io", "try-acme.eu"]

    @Test func sameInventoryHasNoChanges() throws {
        let state = try Self.compile(try Self.exampleFiles())
        #expect(Set(state.domains.map(\.name)) == Self.allDomains)
        #expect(state.changedSinceDiff(since: state).isEmpty)
    }

    @Test func shiftedLinesAndRenamedFilesAreNotChanges() throws {
        // Every line moves down, and the groups come from differently named files:
        // every SourceLocation differs, nothing desired does.
        let shifted = try Self.exampleFiles().map { f in
            ("moved/" + f.file.replacingOccurrences(of: "groups/", with: "g-"), "# a comment\n\n# another\n" + f.text)
        }
        let base = try Self.compile(try Self.exampleFiles())
        let moved = try Self.compile(shifted)
        #expect(base != moved)   // the locations really differ
        #expect(moved.changedSinceDiff(since: base).isEmpty)
    }

    /// The files of every `SourceLocation` object in a JSON tree.
    static func locationFiles(_ node: Any) -> [String] {
        if let d = node as? [String: Any] {
            if Set(d.keys) == ["file", "line", "column"], let f = d["file"] as? String { return [f] }
            return d.values.flatMap(locationFiles)
        }
        if let a = node as? [Any] { return a.flatMap(locationFiles) }
        return []
    }

    @Test func erasureLeavesNoSourceLocationBehind() throws {
        // Guards the hand-written erasure: a location-bearing field added to the desired
        // state (and used by the example inventory) shows up here as a real file name.
        let state = try Self.compile(try Self.exampleFiles())
        let raw = try JSONSerialization.jsonObject(with: JSONEncoder().encode(state.domains))
        #expect(Set(Self.locationFiles(raw)).contains("fleet.yaml"))   // the unerased state has them
        for (name, c) in state.comparableDomains() {
            let domain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c.domain), options: .fragmentsAllowed)
            let mailboxes = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c.mailboxes))
            let left = Set(Self.locationFiles(domain) + Self.locationFiles(mailboxes))
            #expect(left.subtracting([SourceLocation.builtIn.file]).isEmpty, "\(name): a SourceLocation survived erasure: \(left)")
        }
    }

    @Test func editingOneDomainsRecordChangesOnlyThatDomain() throws {
        let c = try Self.changes(try Self.edited("groups/eu-outreach.yaml", #"'0 issue "letsencrypt.org"'"#, #"'0 issue "pki.goog"'"#))
        #expect(c.modified == ["try-acme.eu"])
        #expect(c.added.isEmpty && c.removed.isEmpty)
        #expect(c.changed == ["try-acme.eu"])
    }

    @Test func defaultTTLChangesEveryDomain() throws {
        let c = try Self.changes(try Self.edited("fleet.yaml", "  ttl: 3600 ", "  ttl: 1800 "))
        #expect(c.modified == Self.allDomains)
        #expect(c.added.isEmpty && c.removed.isEmpty)
    }

    @Test func addedAndRemovedDomains() throws {
        let added = try Self.changes(try Self.edited("groups/us-outreach.yaml", "  - name: getacme.io\n", """
              - name: acme-new.com
                registrar: porkbun
                mailboxes: [frank]

              - name: getacme.io

            """))
        #expect(added.added == ["acme-new.com"])
        #expect(added.modified.isEmpty && added.removed.isEmpty)

        let base = try Self.compile(try Self.exampleFiles())
        let withNew = try Self.compile(try Self.edited("groups/us-outreach.yaml", "  - name: getacme.io\n", """
              - name: acme-new.com
                registrar: porkbun
                mailboxes: [frank]

              - name: getacme.io

            """))
        let removed = base.changedSinceDiff(since: withNew)
        #expect(removed.removed == ["acme-new.com"])
        #expect(removed.changed.isEmpty)
        #expect(removed.all == ["acme-new.com"])
    }

    @Test func mailboxRoleAndRegistrarEditsChangeTheirDomain() throws {
        let mailbox = try Self.changes(try Self.edited("groups/us-outreach.yaml", "mailboxes: [carol, dave]", "mailboxes: [carol, dave, eve]"))
        #expect(mailbox.modified == ["acme-outreach.net"])

        let display = try Self.changes(try Self.edited("groups/us-outreach.yaml", #""Erin Walsh""#, #""Erin W.""#))
        #expect(display.modified == ["getacme.io"])

        let role = try Self.changes(try Self.edited("groups/us-outreach.yaml", "    role: spare ", "    role: active "))
        #expect(role.modified == ["getacme.io"])

        let registrar = try Self.changes(try Self.edited("groups/us-outreach.yaml", """
              - name: acme-mail.com
                registrar: porkbun
            """, """
              - name: acme-mail.com
                registrar: namecheap
            """))
        #expect(registrar.modified == ["acme-mail.com"])
    }

    @Test func fleetWideSettingsChangeExactlyTheDomainsTheyReach() throws {
        // Zoho's region reaches only the domains whose replies go to Zoho
        // (acmehq.eu forwards through Mailgun routes and has no Zoho domain).
        let zoho = try Self.changes(try Self.edited("fleet.yaml", "    region: eu\n    client_id", "    region: com\n    client_id"))
        #expect(zoho.modified == Self.allDomains.subtracting(["acmehq.eu"]))

        // The EU pool's signing key name is not a desired value of any domain; its region is.
        let pool = try Self.changes(try Self.edited("fleet.yaml", "kind: mailgun\n    region: eu", "kind: mailgun\n    region: us"))
        #expect(pool.modified == ["acme-mail.de", "acmehq.eu", "try-acme.eu"])

        // A warmup start is a mailbox fact of its domain.
        let warmup = try Self.changes(try Self.edited("groups/eu-outreach.yaml", "started: 2026-11-09", "started: 2026-11-10"))
        #expect(warmup.modified == ["acmehq.eu"])
    }
}
