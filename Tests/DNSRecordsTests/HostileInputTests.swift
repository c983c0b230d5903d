import Testing
@testable import DNSRecords

/// Every parser and checker is total: random bytes and near-miss records
/// produce problems, never a trap.
@Suite struct HostileInputTests {
    /// Deterministic generator so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e3779b97f4a7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
            z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
            return z ^ (z >> 31)
        }
    }

    static let alphabet = Array("v=spf1DMARCDKIMkpr;:/.!@-_~+?\"\\ \t0123456789abcdefxyzé€😀\u{0}\u{7f}")
    static let fragments = ["v=spf1 ", "v=DMARC1; ", "v=DKIM1; ", "include:", "ip4:", "ip6:", "redirect=", "p=", "rua=mailto:",
                            "a/", "//", "mx:", "%{i}", ";", "=", "\"", "\\", "\\1", "MIIB", "MAYC", "all", "-all", ".."]

    static func garbage(_ rng: inout SplitMix) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0..<12, using: &rng) {
            if Bool.random(using: &rng) {
                s += fragments.randomElement(using: &rng)!
            } else {
                for _ in 0..<Int.random(in: 1..<8, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            }
        }
        return s
    }

    @Test func parsersAndLintersAreTotal() {
        var rng = SplitMix(state: 20261129)
        var parsed = 0
        for _ in 0..<5000 {
            let s = Self.garbage(&rng)
            if (try? SPFRecord.parse(s)) != nil { parsed += 1 }
            _ = SPFLinter.lint(s)
            _ = try? DMARCRecord.parse(s)
            _ = DMARCLinter.lint(s, domain: "acme.com")
            _ = try? DKIMRecord.parse(s)
            _ = DKIMLinter.lint(s)
            _ = try? TXTWire.parsePresentation(s)
            _ = TXTWire.chunks(s, limit: Int.random(in: -3...300, using: &rng))
            _ = HostName.problems(s)
            _ = IPAddress.isIPv6(s)
            _ = RecordValidator().problems(DNSRecord(name: s, type: RecordType.allCases.randomElement(using: &rng)!,
                                                     ttl: Int.random(in: -10...1_000_000, using: &rng),
                                                     priority: Bool.random(using: &rng) ? Int.random(in: -5...70000, using: &rng) : nil, value: s))
        }
        // The generator does reach the valid-SPF path, so the parser is exercised past its first check.
        #expect(parsed > 0)
    }

    @Test func chunksAlwaysRejoinAndFit() {
        var rng = SplitMix(state: 7)
        for _ in 0..<500 {
            var s = ""
            for _ in 0..<Int.random(in: 0..<700, using: &rng) { s.append(Self.alphabet.randomElement(using: &rng)!) }
            let chunks = TXTWire.chunks(s)
            #expect(chunks.joined() == s)
            #expect(chunks.allSatisfy { $0.utf8.count <= 255 })
            #expect((try? TXTWire.parsePresentation(TXTWire.presentation(s))) == s)
        }
    }
}
