import CAres
import Foundation

/// One run of questions over c-ares channels (one per server), driven by
/// one thread: c-ares channels are not thread-safe, and one select loop
/// keeps thousands of queries in flight without a thread each. Lives only
/// on the thread that runs it.
final class AresBatch {
    private struct Pending {
        let question: DNSQuestion
        /// Servers still to ask, in order; the first is being asked.
        var servers: [Int]
        var reasons: [String] = []
    }

    /// What a callback needs to find its question again.
    private final class Token {
        unowned let batch: AresBatch
        let index: Int
        let server: Int
        init(batch: AresBatch, index: Int, server: Int) { (self.batch, self.index, self.server) = (batch, index, server) }
    }

    private let servers: [DNSServer]
    private let cap: Int
    private var channels: [ares_channel?] = []
    private var pending: [Pending]
    private var waiting: [[Int]]        // per server: questions queued behind the cap
    private var inFlight: [Int]
    private(set) var answers: [DNSAnswer?]

    init(questions: [DNSQuestion], servers: [DNSServer], perServerLimit: Int) {
        self.servers = servers
        self.cap = max(1, perServerLimit)
        // Rotate each question's server order so the first asks spread evenly.
        pending = questions.enumerated().map { i, q in
            let first = i % servers.count
            return Pending(question: q, servers: Array(servers.indices[first...]) + Array(servers.indices[..<first]))
        }
        waiting = Array(repeating: [], count: servers.count)
        inFlight = Array(repeating: 0, count: servers.count)
        answers = Array(repeating: nil, count: questions.count)
    }

    /// Asks everything; returns when every question has an answer.
    func run(timeoutMilliseconds: Int, tries: Int, recursive: Bool = false) {
        for s in servers {
            var ch: ares_channel?
            let rc = creconcile_ares_channel(&ch, s.aresCSV, Int32(timeoutMilliseconds), Int32(tries), recursive ? 1 : 0)
            channels.append(rc == ARES_SUCCESS ? ch : nil)
        }
        defer { channels.compactMap { $0 }.forEach { ares_destroy($0) } }
        for i in pending.indices { enqueue(i) }
        var live: [ares_channel?] = channels.filter { $0 != nil }
        live.withUnsafeMutableBufferPointer { creconcile_ares_run($0.baseAddress, Int32($0.count)) }
    }

    private func enqueue(_ i: Int) {
        guard let s = pending[i].servers.first else {
            answers[i] = .unknown(pending[i].reasons.joined(separator: "; "))
            return
        }
        guard channels[s] != nil else { return settle(i, server: s, .unknown("\(servers[s]): bad server address")) }
        if inFlight[s] < cap { send(i, server: s) } else { waiting[s].append(i) }
    }

    private func send(_ i: Int, server s: Int) {
        inFlight[s] += 1
        let q = pending[i].question
        let token = Unmanaged.passRetained(Token(batch: self, index: i, server: s)).toOpaque()
        ares_query(channels[s], q.name, 1 /* C_IN */, AresReply.code(q.type), { arg, status, _, abuf, alen in
            guard let arg else { return }
            let token = Unmanaged<Token>.fromOpaque(arg).takeRetainedValue()
            let batch = token.batch
            let answer = AresReply.answer(batch.pending[token.index].question, status: status, abuf: abuf, alen: alen,
                                          server: batch.servers[token.server])
            batch.inFlight[token.server] -= 1
            batch.settle(token.index, server: token.server, answer)
            if let next = batch.waiting[token.server].first {
                batch.waiting[token.server].removeFirst()
                batch.send(next, server: token.server)
            }
        }, token)
    }

    /// A fact ends the question; "unknown" moves it to the next server.
    private func settle(_ i: Int, server s: Int, _ answer: DNSAnswer) {
        if case .unknown(let why) = answer {
            pending[i].reasons.append(why)
            pending[i].servers.removeFirst()
            enqueue(i)
        } else {
            answers[i] = answer
        }
    }
}
