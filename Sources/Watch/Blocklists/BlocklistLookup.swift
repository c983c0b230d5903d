import Foundation
import Inventory
import Resolver

/// Every domain looked up on every list in one c-ares batch: `<domain>.<zone>`
/// (or `<domain>.<key>.<zone>` for a keyed list) A, through recursive
/// resolvers — the system's, or one `--nameserver`.
public struct BlocklistLookup: Sendable {
    public var resolver: DNSResolver
    public var servers: [DNSServer]

    public init(resolver: DNSResolver = DNSResolver(timeoutMilliseconds: 2_000), servers: [DNSServer]) {
        var r = resolver
        r.recursive = true
        self.resolver = r
        self.servers = servers
    }

    /// One round's answers: domain → zone → verdict.
    public struct Report: Sendable, Equatable {
        public var lists: [String]
        public var verdicts: [String: [String: BlocklistVerdict]]

        public init(lists: [String], verdicts: [String: [String: BlocklistVerdict]]) { self.lists = lists; self.verdicts = verdicts }

        /// The lists that list `domain`, with their codes: "dbl.spamhaus.org (127.0.1.2 spam domain)".
        public func listings(_ domain: String) -> [String] {
            lists.compactMap { z in
                if case .listed(let why) = verdicts[domain]?[z] { return "\(z) (\(why))" }
                return nil
            }
        }

        /// Some list could not answer for `domain`.
        public func anyUnknown(_ domain: String) -> Bool {
            verdicts[domain]?.values.contains { if case .unknown = $0 { true } else { false } } ?? true
        }

        /// Lists that answered nothing known this round (a key refused, a resolver blocked).
        public var unanswered: [String: String] {
            var out: [String: String] = [:]
            for z in lists {
                let all = verdicts.values.compactMap { $0[z] }
                guard !all.isEmpty else { continue }
                let reasons = all.compactMap { v -> String? in if case .unknown(let why) = v { why } else { nil } }
                if reasons.count == all.count { out[z] = reasons[0] }
            }
            return out
        }
    }

    /// `environment` supplies the lists' keys; a list whose key is unset is
    /// "unknown" for every domain (and asked nothing: the zone without the
    /// key would be a public-resolver query).
    public func run(domains: [String], lists: [Blocklist], environment: [String: String]) async -> Report {
        var questions: [DNSQuestion] = []
        var slots: [(domain: String, zone: String)] = []
        var verdicts: [String: [String: BlocklistVerdict]] = [:]
        for list in lists {
            var suffix = list.zone
            if let ref = list.key {
                guard let key = ref.resolve(in: environment) else {
                    for d in domains { verdicts[d, default: [:]][list.zone] = .unknown("key \(ref) is not set") }
                    continue
                }
                suffix = "\(key).\(list.zone)"
            }
            for d in domains {
                questions.append(DNSQuestion("\(d).\(suffix)", .A))
                slots.append((d, list.zone))
            }
        }
        let answers = await resolver.resolve(questions, at: servers)
        let codes = Dictionary(lists.map { ($0.zone, $0.codes) }, uniquingKeysWith: { a, _ in a })
        for (slot, answer) in zip(slots, answers) {
            verdicts[slot.domain, default: [:]][slot.zone] = BlocklistVerdict.read(answer, codes: codes[slot.zone] ?? .generic)
        }
        return Report(lists: lists.map(\.zone), verdicts: verdicts)
    }
}
