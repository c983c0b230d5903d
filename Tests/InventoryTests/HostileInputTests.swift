import Foundation
import Testing
import Inventory

/// No input crashes the loader: every outcome is a result or located diagnostics.
@Suite struct HostileInputTests {
    /// Loads one in-memory file and returns its errors.
    func diagnostics(_ text: String, loader: InventoryLoader = InventoryLoader()) -> [Diagnostic] {
        do { return try loader.load(files: [(file: "x.yaml", text: text)]).warnings.filter { $0.severity == .error } } catch { return error.errors }
    }

    @Test func seededRandomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        var seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        // Report the seed so a failure can be replayed.
        let start = seed
        let alphabet = Array("ab:-[]{},&*!|>'\"#\n\n  \t?%@`0123456789.~<=".utf8) + [0, 0xFF, 0xC3, 0xA9]
        for round in 0..<400 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            var bytes: [UInt8] = []
            var s = seed
            for _ in 0..<Int(seed % 300) {
                s = s &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int((s >> 33) % UInt64(alphabet.count))])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let ds = diagnostics(text)
            for d in ds {
                #expect(d.location.line >= 1 && d.location.column >= 1, "seed \(start) round \(round): \(d)")
                #expect(!d.path.isEmpty && !d.message.isEmpty, "seed \(start) round \(round)")
            }
        }
    }

    @Test func deepBlockNestingIsRefused() {
        var text = ""
        for depth in 0..<200 { text += String(repeating: " ", count: depth * 2) + "a:\n" }
        let ds = diagnostics(text)
        #expect(ds.contains { $0.message == "YAML: nesting deeper than 64 levels" && $0.location.line == 65 })
    }

    @Test func deepFlowNestingOfAMillionBracketsIsRefused() {
        let ds = diagnostics(String(repeating: "[", count: 1_000_000))
        // libyaml's own limit (1000 levels) trips first here: the scanner reads the whole line ahead.
        #expect(ds.map(\.description) == ["x.yaml:1:1: file: YAML: nesting deeper than 1000 levels"])
    }

    @Test func aliasExpansionIsBoundedByNodeCount() {
        var loader = InventoryLoader()
        loader.maxExpandedNodes = 1000
        var text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
        for (prev, name) in zip(["a", "b", "c"], ["b", "c", "d"]) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 10).joined(separator: ", ") + "]\n"
        }
        let ds = diagnostics(text, loader: loader)
        #expect(ds.map(\.message) == ["YAML: the document expands to more than 1000 nodes (aliases repeating large anchors?)"])
        #expect(ds.first?.location.line == 3)
    }

    @Test func oversizedFileIsRefusedUnread() throws {
        var loader = InventoryLoader()
        loader.maxFileBytes = 100
        do {
            _ = try loader.load(directory: Fixtures.root + "/valid/minimal")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map { Fixtures.relative($0, Fixtures.root + "/valid/minimal") } == [
                "fleet.yaml:1:1: file: file is larger than 0 MiB",
                "groups/g1.yaml:1:1: file: file is larger than 0 MiB",
            ])
        }
    }

    @Test func largeGeneratedFileLoads() throws {
        // 20 000 domains in one file (~2.5 MB) load without trouble.
        var text = """
        accounts:
          porkbun: { api_key: env:A, secret_key: env:B }
          mailgun-us: { kind: mailgun, region: us, api_key: env:C }
          zoho: { region: com, client_id: env:D, client_secret: env:E, refresh_token: env:F, org_id: "1" }
        groups:
          - name: big
            pool: mailgun-us
            domains:

        """
        for i in 0..<20_000 {
            text += "      - { name: d\(i).example-fleet.com, registrar: porkbun, mailboxes: [a, b] }\n"
        }
        let r = try InventoryLoader().load(files: [(file: "big.yaml", text: text)])
        #expect(r.inventory.groups.first?.domains.count == 20_000)
        #expect(r.inventory.mailboxes.count == 40_000)
    }

    @Test func emptyAndNullDocumentsAreWarnings() throws {
        let r = try InventoryLoader().load(files: [(file: "a.yaml", text: ""), (file: "b.yaml", text: "# just a comment\n"), (file: "c.yaml", text: "~\n")])
        #expect(r.warnings.map(\.description) == [
            "a.yaml:1:1: file: empty file",
            "a.yaml:1:1: groups: no groups: nothing to reconcile",
            "b.yaml:1:1: file: empty file",
            "c.yaml:1:1: file: empty file",
        ])
    }

    @Test func secondDocumentIsRefused() {
        let ds = diagnostics("accounts: {}\n---\nwarmup: {}\n")
        #expect(ds.map(\.description) == ["x.yaml:2:1: file: YAML syntax: only one document per file is supported (found a second '---')"])
    }

    @Test func undefinedAliasIsASyntaxError() {
        let ds = diagnostics("accounts: *nothing\n")
        #expect(ds.contains { $0.description.hasPrefix("x.yaml:1:11: file: YAML") })
    }

    @Test func nonStringKeysAreReported() {
        let ds = diagnostics("accounts:\n  [a, b]: 1\n  ~: 2\n")
        #expect(ds.filter { $0.severity == .error }.map(\.description) == [
            "x.yaml:2:3: accounts: keys must be strings, found a sequence",
            "x.yaml:3:3: accounts: keys must be strings, found null",
        ])
    }
}
