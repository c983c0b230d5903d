import Testing
@testable import Inventory

/// `monitoring.blocklists`, `blocklist_interval` and `expiry_warning`: a zone
/// alone or with a key and a return-code convention; defaults when absent.
@Suite struct BlocklistInventoryTests {
    static func monitoring(_ yaml: String) throws -> Monitoring {
        let fleet = DesiredStateCompilerTests.fleet.replacingOccurrences(of: "monitoring:\n", with: "monitoring:\n" + yaml)
        return try InventoryLoader().load(files: [("fleet.yaml", fleet), ("g1.yaml", DesiredStateCompilerTests.group)]).inventory.monitoring
    }

    @Test func listsKeysCodesAndIntervalsAreRead() throws {
        let m = try Self.monitoring("""
              blocklist_interval: 2h
              expiry_warning: 45d
              blocklists:
                - dbl.spamhaus.org.
                - { zone: dbl.dq.spamhaus.net, key: env:DQS_KEY }
                - { zone: multi.example-bl.net, codes: uribl }
                - multi.surbl.org

            """)
        #expect(m.blocklistInterval == .hours(2) && m.expiryWarning == .days(45))
        #expect(m.blocklists.map(\.zone) == ["dbl.spamhaus.org", "dbl.dq.spamhaus.net", "multi.example-bl.net", "multi.surbl.org"])
        #expect(m.blocklists.map(\.codes) == [.spamhaus, .spamhaus, .uribl, .surbl])
        #expect(m.blocklists[1].key?.description == "env:DQS_KEY" && m.blocklists[0].key == nil)
        #expect(m.blocklists[1].location.description == "fleet.yaml:\(m.blocklists[1].location.line):7")
    }

    @Test func defaultsWhenAbsent() throws {
        let m = try Self.monitoring("")
        #expect(m.blocklists.isEmpty && m.blocklistInterval == .hours(1) && m.expiryWarning == .days(30))
    }
}
