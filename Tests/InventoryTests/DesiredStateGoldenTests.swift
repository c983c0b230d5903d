import Foundation
import Testing
import DNSRecords
@testable import Inventory

/// The compiled desired state of the example inventory `inventory/`, compared
/// line by line with `Fixtures/golden/desired-state.txt`.
/// Regenerate after an intended change: `UPDATE_GOLDEN=1 swift test --filter DesiredStateGoldenTests`.
@Suite struct DesiredStateGoldenTests {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let goldenPath = testsDir.appendingPathComponent("Fixtures/golden/desired-state.txt").path

    /// Loads `inventory/` with repository-relative file names, so locations
    /// do not depend on the checkout path.
    static func exampleInventory() throws -> Inventory {
        let dir = repoRoot.appendingPathComponent("inventory").path
        let rels = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        let files = try rels.map { rel in
            (file: "inventory/" + rel, text: try String(contentsOfFile: dir + "/" + rel, encoding: .utf8))
        }
        return try InventoryLoader().load(files: files).inventory
    }

    @Test func exampleInventoryMatchesGolden() throws {
        let text = try DesiredStateCompiler.compile(Self.exampleInventory()).textDump
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: Self.goldenPath, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOfFile: Self.goldenPath, encoding: .utf8)
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = golden.split(separator: "\n", omittingEmptySubsequences: false)
        if let i = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("line \(i + 1) differs:\n  got:  \(got[i])\n  want: \(want[i])\n(UPDATE_GOLDEN=1 regenerates \(Self.goldenPath))")
        }
        #expect(got.count == want.count)
    }

    @Test func compileIsDeterministic() throws {
        let inventory = try Self.exampleInventory()
        let a = try DesiredStateCompiler.compile(inventory)
        // Group and domain order in the files must not matter.
        var shuffled = inventory
        shuffled.groups.reverse()
        for i in shuffled.groups.indices { shuffled.groups[i].domains.reverse() }
        let b = try DesiredStateCompiler.compile(shuffled)
        #expect(a.textDump == b.textDump)
        #expect(try a.jsonDump() == b.jsonDump())
    }

    @Test func jsonDumpDecodesBackToTheSameState() throws {
        let state = try DesiredStateCompiler.compile(Self.exampleInventory())
        let decoded = try JSONDecoder().decode(DesiredState.self, from: Data(try state.jsonDump().utf8))
        #expect(decoded == state)
        let json = try state.jsonDump()
        #expect(json.contains(#""after_apply" : "mailgun.domain.dkim""#))
        #expect(json.contains(#""known" : "v=spf1 include:mailgun.org include:zoho.eu ~all""#))
    }

    @Test func exampleRecordsPassTheLinters() throws {
        let state = try DesiredStateCompiler.compile(Self.exampleInventory())
        #expect(!state.domains.isEmpty)
        for d in state.domains {
            let known = d.presentRecords.compactMap(\.record)
            #expect(ConflictChecker.problems(known, zone: d.name).isEmpty, "\(d.name)")
            for r in known {
                #expect(RecordValidator().problems(r).isEmpty, "\(r)")
                if r.type == .TXT && SPFRecord.isSPF(r.value) { #expect(SPFLinter.lint(r.value).errors.isEmpty, "\(r)") }
                if r.type == .TXT && DMARCRecord.isDMARC(r.value) { #expect(DMARCLinter.lint(r.value).errors.isEmpty, "\(r)") }
            }
        }
    }
}
