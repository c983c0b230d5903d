import Foundation
import Store
import Testing

/// `enqueue` on PostgreSQL writes a thousand rows per statement; the same
/// list must come out as SQLite's one-row-at-a-time enqueue leaves it:
/// the same counts, the same outbox in the same order, the same merged
/// variables — with repeats across batch boundaries, suppressed, erased and
/// already enrolled addresses mixed in.
@Suite struct EnqueueBackendParityTests {
    typealias C = SendingStoreContractTests

    /// 2,600 rows of 2,300 addresses: rows 2,300… repeat the first 300 (two
    /// batches later), in another case and filling what the first left empty.
    static func rows() -> [Enrollment] {
        (0..<2_600).map { i in
            let n = i % 2_300
            let repeatRow = i >= 2_300
            let email = repeatRow ? "P\(n)@Example.NET" : "p\(n)@example.net"
            var variables = ["first": repeatRow ? "second-\(n)" : (n % 3 == 0 ? "" : "first-\(n)")]
            if repeatRow { variables["company"] = "co, \"\(n)\" {x}\\" }
            return Enrollment(email: email, timeZone: repeatRow ? "Europe/Paris" : (n % 2 == 0 ? nil : "America/New_York"), variables: variables)
        }
    }

    /// What `store` holds after the same history: an earlier enqueue, suppressions, an erasure, then the big list.
    static func run(_ store: any SendingStore) throws -> (EnqueueReport, [String], [String: [String: String]], [String: String?]) {
        _ = try store.enqueue(campaign: C.campaign("c1", steps: 2), recipients: (0..<40).map {
            Enrollment(email: "p\($0 * 7)@example.net", timeZone: nil, variables: ["first": "early"])
        }, now: C.t0)
        for n in stride(from: 5, to: 2_300, by: 37) { try store.suppress(email: "p\(n)@example.net", reason: "unsubscribe", source: nil, at: C.t0) }
        _ = try store.forget(email: "p11@example.net", at: C.t0)
        _ = try store.forget(email: "p2201@example.net", at: C.t0)
        let report = try store.enqueue(campaign: C.campaign("c1", steps: 2), recipients: rows(), now: C.t0 + 10)
        let outbox = try store.messages(state: nil).map { "\($0.email) \($0.step) \($0.state.rawValue) \($0.notBefore)" }
        var variables: [String: [String: String]] = [:]
        var zones: [String: String?] = [:]
        for m in try store.messages(state: nil) where ["p0@", "p1@", "p3@", "p299@", "p300@", "p7@"].contains(where: m.email.hasPrefix) {
            let record = try #require(try store.messageRecord(row: m.row))
            variables[m.email] = record.variables
            zones[m.email] = m.timeZone
        }
        return (report, outbox, variables, zones)
    }

    @Test func postgresEnqueuesABatchedListExactlyAsSQLiteDoes() throws {
        let sqlite = try C.withStore(.sqlite) { try Self.run($0) }
        let postgres = try C.withStore(.postgres) { try Self.run($0) }
        #expect(sqlite.0.enrolled > 2_000 && sqlite.0.duplicatesMerged > 0 && sqlite.0.suppressed > 0 && sqlite.0.alreadyEnrolled > 0)
        #expect(postgres.0 == sqlite.0)
        #expect(postgres.1.count == sqlite.1.count)
        #expect(postgres.1 == sqlite.1, "the outbox differs (order or content)")
        #expect(postgres.2 == sqlite.2)
        #expect(postgres.3 == sqlite.3)
        // A repeat fills only what the first row left empty.
        #expect(postgres.2["p3@example.net"] == ["first": "second-3", "company": "co, \"3\" {x}\\"])
        #expect(postgres.2["p1@example.net"]?["first"] == "first-1")
    }
}
