import DNSRecords
import Inventory
import Resolver

/// What one list says of one domain. Only `listed` pauses; `unknown` (a
/// refusal code, SERVFAIL, a timeout, an answer that is no list's) never
/// does, and never releases a pause either.
public enum BlocklistVerdict: Sendable, Hashable, CustomStringConvertible {
    case clean
    /// The answer's codes with their meanings: "127.0.1.2 spam domain".
    case listed(String)
    case unknown(String)

    public var description: String {
        switch self {
        case .clean: "not listed"
        case .listed(let why): "LISTED (\(why))"
        case .unknown(let why): "unknown (\(why))"
        }
    }

    /// Reads a DNS answer by the list's convention (monitoring.md "Blocklists").
    public static func read(_ answer: DNSAnswer, codes: BlocklistCodes) -> BlocklistVerdict {
        switch answer {
        case .nxdomain: return .clean
        case .unknown(let why): return .unknown(why)
        case .records(let records):
            let addresses = records.filter { $0.type == .A }.map(\.value).sorted()
            guard !addresses.isEmpty else { return .clean }
            var listed: [String] = [], refused: [String] = []
            for a in addresses {
                switch meaning(a, codes: codes) {
                case .listed(let m): listed.append("\(a) \(m)")
                case .unknown(let m): refused.append("\(a) \(m)")
                case .clean: break
                }
            }
            if !listed.isEmpty { return .listed(listed.joined(separator: ", ")) }
            return refused.isEmpty ? .clean : .unknown(refused.joined(separator: ", "))
        }
    }

    /// One return code.
    static func meaning(_ address: String, codes: BlocklistCodes) -> BlocklistVerdict {
        let o = address.split(separator: ".").compactMap { Int($0) }
        guard o.count == 4, o[0] == 127 else {
            // A resolver that rewrites NXDOMAIN to an ad page answers like this.
            return .unknown("not a blocklist answer")
        }
        switch codes {
        case .spamhaus:
            if o[1] == 255 && o[2] == 255 {
                switch o[3] {
                case 252: return .unknown("refused: malformed query")
                case 254: return .unknown("refused: query through a public/open resolver (use DQS with a key)")
                case 255: return .unknown("refused: too many queries")
                default: return .unknown("refused")
                }
            }
            if o[1] == 0 && o[2] == 1 {
                if o[3] == 255 { return .unknown("refused: IP queries are not allowed on the DBL") }
                return .listed(spamhausDBL[o[3]] ?? "listed")
            }
            if o[1] == 0 && o[2] == 2 { return .listed("newly observed domain (ZRD, \(o[3]) h)") }
            return .listed("listed")
        case .surbl:
            if o[1] == 0 && o[2] == 0 && o[3] == 1 { return .unknown("refused: this resolver is blocked by SURBL") }
            return .listed(bits(o[3], [8: "phishing", 16: "malware", 64: "abuse", 128: "cracked site"]))
        case .uribl:
            if o[1] == 0 && o[2] == 0 && o[3] == 1 { return .unknown("refused: query blocked by URIBL") }
            return .listed(bits(o[3], [2: "black", 4: "grey", 8: "red"]))
        case .generic:
            if o[1] == 255 && o[2] == 255 { return .unknown("refused") }
            if o[1] == 0 && o[2] == 0 && o[3] == 1 { return .unknown("refused (127.0.0.1)") }
            return .listed("listed")
        }
    }

    /// Spamhaus DBL return codes (127.0.1.x).
    static let spamhausDBL: [Int: String] = [
        2: "spam domain", 4: "phishing domain", 5: "malware domain", 6: "botnet C&C domain",
        102: "abused legit spam", 103: "abused spammed redirector", 104: "abused legit phishing",
        105: "abused legit malware", 106: "abused legit botnet C&C",
    ]

    static func bits(_ value: Int, _ names: [Int: String]) -> String {
        let hit = names.keys.sorted().filter { value & $0 != 0 }.map { names[$0]! }
        return hit.isEmpty ? "listed" : hit.joined(separator: "+")
    }
}
