import Testing
import DNSRecords
@testable import Inventory

/// `web:` under defaults, a group and a domain: the nearest one wins whole,
/// `web: none` opts out, and the compiled forwards carry where they were written.
@Suite struct WebInventoryTests {
    static func compile(group: String) throws -> DesiredState {
        // `web:` belongs under defaults: insert it after `defaults:`.
        let fleet = DesiredStateCompilerTests.fleet.replacingOccurrences(
            of: "defaults:\n", with: "defaults:\n  web: { forward_to: https://acme.com, www: true }\n")
        return try DesiredStateCompilerTests.compile(fleet: fleet, group: group)
    }

    static let group = """
    group: g1
    pool: mailgun-eu
    web: { forward_to: "https://acme.com/hello", code: 302, path: drop }
    domains:
      - name: inherits-group.example
        registrar: porkbun
        mailboxes: [alice]
      - name: own.example
        registrar: porkbun
        web: { forward_to: https://brand.example, www: true }
        mailboxes: [bob]
      - name: opted-out.example
        registrar: porkbun
        web: none
        mailboxes: [carol]
    """

    @Test func nearestDeclarationWinsWhole() throws {
        let s = try Self.compile(group: Self.group)
        let grouped = try #require(s.domain(named: "inherits-group.example")?.web)
        #expect(grouped.forwards == [WebForward(host: "@", location: "https://acme.com/hello", code: .temporary, keepPath: false)])
        #expect(grouped.location.description == "g1.yaml:3:6")
        let own = try #require(s.domain(named: "own.example")?.web)
        #expect(own.forwards == [WebForward(host: "@", location: "https://brand.example"),
                                 WebForward(host: "www", location: "https://brand.example")])
        #expect(s.domain(named: "opted-out.example")?.web == nil)
        #expect(s.textDump.contains("  web forward @ → https://acme.com/hello (302, path dropped)"))
    }

    @Test func defaultsApplyWhereNothingCloserIsWritten() throws {
        let s = try Self.compile(group: """
        group: g1
        pool: mailgun-eu
        domains:
          - { name: live.example, registrar: porkbun, mailboxes: [alice] }
        """)
        let live = try #require(s.domain(named: "live.example")?.web)
        #expect(live.forwards.map(\.host) == ["@", "www"])
        #expect(live.forwards.allSatisfy { $0.location == "https://acme.com" && $0.code == .permanent && $0.keepPath })
        // Without any web: nothing is declared and nothing is managed.
        let none = try DesiredStateCompilerTests.compile()
        #expect(none.domains.allSatisfy { $0.web == nil })
    }

    @Test func aRecordAtAForwardedHostIsAnError() throws {
        // old.example declares `www A 192.0.2.10`; the defaults forward www.
        let fleet = DesiredStateCompilerTests.fleet.replacingOccurrences(
            of: "defaults:\n", with: "defaults:\n  web: { forward_to: https://acme.com, www: true }\n")
        let errors = try DesiredStateCompilerTests.errors(fleet: fleet)
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("domains[2].extra_records: A record at www conflicts with the web forward there (fleet.yaml:6:8): remove one") == true,
                "\(errors)")
        #expect(errors.first?.hasPrefix("g1.yaml:") == true)
    }
}
