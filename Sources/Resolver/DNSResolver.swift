import CAres
import Foundation

/// Asks nameservers directly (no recursion, no cache, no search domains)
/// through c-ares: the check asks a domain's authoritative servers so that
/// what it sees is what the zone publishes now. A question unanswered by one
/// server (SERVFAIL, REFUSED, timeout) goes to the next; when none answers it
/// is `unknown`, never "missing".
public struct DNSResolver: Sendable {
    /// Per attempt, before c-ares retransmits to the same server.
    public var timeoutMilliseconds: Int
    /// Transmissions per server (c-ares' `tries`).
    public var triesPerServer: Int
    /// Questions in flight per server at once.
    public var perServerLimit: Int
    /// Ask for recursion (RD): the servers are recursive resolvers, as for
    /// blocklist lookups; false for authoritative servers.
    public var recursive = false

    public init(timeoutMilliseconds: Int = 1_000, triesPerServer: Int = 2, perServerLimit: Int = 64) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.triesPerServer = triesPerServer
        self.perServerLimit = perServerLimit
        _ = Self.libraryReady
    }

    /// c-ares' process-wide initialisation, once.
    private static let libraryReady: Int32 = ares_library_init(ARES_LIB_INIT_ALL)

    /// Every question answered, in the order asked. Runs on its own thread.
    public func resolve(_ questions: [DNSQuestion], at servers: [DNSServer]) async -> [DNSAnswer] {
        guard !questions.isEmpty else { return [] }
        guard !servers.isEmpty else { return questions.map { _ in .unknown("no nameserver to ask") } }
        let (timeout, tries, limit, recursive) = (timeoutMilliseconds, triesPerServer, perServerLimit, recursive)
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let batch = AresBatch(questions: questions, servers: servers, perServerLimit: limit)
                batch.run(timeoutMilliseconds: timeout, tries: tries, recursive: recursive)
                continuation.resume(returning: batch.answers.map { $0 ?? .unknown("not asked") })
            }
            thread.name = "dns-resolver"
            thread.start()
        }
    }

    /// One question.
    public func resolve(_ question: DNSQuestion, at servers: [DNSServer]) async -> DNSAnswer {
        await resolve([question], at: servers)[0]
    }
}
