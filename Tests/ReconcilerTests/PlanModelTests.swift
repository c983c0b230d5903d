import DNSRecords
import Foundation
import Providers
import Testing
@testable import Reconciler

@Suite struct PlanModelTests {
    func sampleActions() -> [PlanAction] {
        let d = "acme-mail.com"
        let mg = PlanAction(.create, ResourceAddress(domain: d, kind: .mailgunDomain),
                            after: ResourceState(["region": .string("us")]))
        let dkim = PlanAction(.create, ResourceAddress(domain: d, kind: .dnsRecord, identity: "mx._domainkey TXT <dkim>"),
                              after: ResourceState(["name": .string("mx._domainkey.\(d)"), "type": .string("TXT"),
                                                    "ttl": .int(3600),
                                                    "value": .knownAfterApply(OutputReference(action: mg.id, output: "dkim"))]))
        let verify = PlanAction(.verify, ResourceAddress(domain: d, kind: .mailgunDomain), dependsOn: [dkim.id])
        let del = PlanAction(.delete, ResourceAddress(domain: d, kind: .dnsRecord, identity: "old A 1.2.3.4"),
                             before: ResourceState(record: Fixtures.rec("old.\(d)", .A, "1.2.3.4")))
        let other = PlanAction(.create, ResourceAddress(domain: "b-domain.net", kind: .zohoDomain))
        return [mg, dkim, verify, del, other]
    }

    @Test func orderIsTotalAndIndependentOfInputOrder() throws {
        let actions = sampleActions()
        let reference = try Plan(actions: actions, domains: [], fingerprint: Fixtures.fingerprint()).actions.map(\.id)
        for seed in 0..<20 {
            var g = SplitMix64(seed: UInt64(seed))
            let shuffled = actions.shuffled(using: &g)
            #expect(try Plan(actions: shuffled, domains: [], fingerprint: Fixtures.fingerprint()).actions.map(\.id) == reference)
        }
        // Domain first, changes before verify, kind in dependency order, then delete < create < update.
        #expect(reference.map(\.rawValue) == [
            "create:acme-mail.com/mailgunDomain/",
            "delete:acme-mail.com/dnsRecord/old A 1.2.3.4",
            "create:acme-mail.com/dnsRecord/mx._domainkey TXT <dkim>",
            "verify:acme-mail.com/mailgunDomain/",
            "create:b-domain.net/zohoDomain/",
        ])
    }

    @Test func knownAfterApplyReferencesBecomeDependencies() {
        let actions = sampleActions()
        #expect(actions[1].dependsOn == [actions[0].id])
        #expect(actions[1].after?.isFullyKnown == false)
        #expect(ActionText(actions[1]).headline == "+ TXT mx._domainkey (known after apply) ttl 3600")
    }

    @Test func countsPerOperationAndDomain() throws {
        let plan = try Plan(actions: sampleActions(), domains: [], fingerprint: Fixtures.fingerprint())
        let c = plan.counts
        #expect((c.create, c.update, c.delete, c.verify, c.wait) == (3, 0, 1, 1, 0))
        #expect(plan.counts(for: "b-domain.net").total == 1)
        #expect(c.sentence == "3 to create, 0 to update, 1 to delete, 1 to verify, 0 waiting")
    }

    @Test func rejectsUnknownDependencyCycleAndDuplicates() {
        let a = ResourceAddress(domain: "x.com", kind: .zohoDomain)
        let b = ResourceAddress(domain: "x.com", kind: .zohoUser, identity: "alice")
        let unknown = PlanAction(.create, a, dependsOn: ["create:nowhere"])
        #expect(throws: PlanError.unknownDependency(unknown.id, "create:nowhere")) {
            try Plan(actions: [unknown], domains: [], fingerprint: Fixtures.fingerprint())
        }
        let x = PlanAction(.create, a, dependsOn: [ActionID(.create, b)])
        let y = PlanAction(.create, b, dependsOn: [x.id])
        #expect(throws: PlanError.cycle([x.id, y.id].sorted())) {
            try Plan(actions: [x, y], domains: [], fingerprint: Fixtures.fingerprint())
        }
        #expect(throws: PlanError.duplicateAction(x.id)) {
            try Plan(actions: [PlanAction(.create, a), PlanAction(.create, a)], domains: [], fingerprint: Fixtures.fingerprint())
        }
    }

    @Test func jsonRoundTripIsCompleteAndByteStable() throws {
        let zone = "acme-mail.com"
        let fp = PlanFingerprint(inventory: "abc", observed: ["\(zone)/zone/": "h1", "\(zone)/mailgunDomain/": "h2"])
        let plan = try Plan(actions: sampleActions(),
                            domains: [DomainSummary(domain: zone, managedRecords: 4, observedMX: 2,
                                                    unmanagedKept: [Fixtures.rec("www.\(zone)", .A, "192.0.2.1")])],
                            fingerprint: fp)
        let data = try JSONRenderer().data(plan)
        let back = try JSONDecoder().decode(Plan.self, from: data)
        #expect(back == plan)
        #expect(try JSONRenderer().data(back) == data)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plans/pr-12.json").path
        try plan.save(to: path)
        #expect(try Plan.load(from: path) == plan)
    }

    @Test func planFileErrorsNameThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.json").path
        try Data(#"{"formatVersion": 99, "actions": [], "domains": [], "fingerprint": {"inventory": "", "observed": {}}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: PlanFileError(path: path, reason: PlanError.unsupportedFormat(99).description)) {
            try Plan.load(from: path)
        }
    }

    @Test func stalenessNamesWhatChanged() throws {
        let fp = PlanFingerprint(inventory: "inv1", observed: ["a.com/zone/": "h1", "b.com/zone/": "h2"])
        let plan = try Plan(actions: [], domains: [], fingerprint: fp)
        try plan.checkFresh(against: PlanFingerprint(inventory: "inv1",
                                                     observed: ["a.com/zone/": "h1", "b.com/zone/": "h2", "c.com/zone/": "x"]))
        #expect(throws: StalePlan(reasons: [.inventoryChanged, .resourceChanged("b.com/zone/")])) {
            try plan.checkFresh(against: PlanFingerprint(inventory: "inv2", observed: ["a.com/zone/": "h1", "b.com/zone/": "h3"]))
        }
        #expect(throws: StalePlan(reasons: [.resourceChanged("a.com/zone/")])) {
            try plan.checkFresh(against: PlanFingerprint(inventory: "inv1", observed: ["b.com/zone/": "h2"]))
        }
    }

    @Test func observedStateHashIsCanonical() throws {
        let a = [Fixtures.rec("A.com.", .MX, "MX.Zoho.com.", prio: 10)]
        let b = [Fixtures.rec("a.com", .MX, "mx.zoho.com", prio: 10)]
        #expect(try PlanFingerprint.hash(of: a) == PlanFingerprint.hash(of: b))
        #expect(try PlanFingerprint.hash(of: a) != PlanFingerprint.hash(of: [Fixtures.rec("a.com", .MX, "mx.zoho.com", prio: 20)]))
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesFIPSVectors(input: String, expected: String) {
        #expect(PlanFingerprint.hash(Data(input.utf8)) == expected)
    }

    @Test func sha256OfAMillionAs() {
        #expect(PlanFingerprint.hash(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

