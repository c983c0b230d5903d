import Foundation
import Sender
import Store
// The aiosmtpd and TLS test servers, shared with the Monitor tests.
@_exported import TestSupport

/// A fresh directory under the system temp dir, removed by the caller.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sender-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The package root, from this file's path (Tests/SenderTests/Support/Fixtures.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A small fleet with explicit limits; groups g1…gN, mailboxes mN@dN.example.
func makeFleet(groups: Int = 1, mailboxesPerGroup: Int = 3, hourly: Int = 300, pause: SecondsRange = SecondsRange(30, 45),
               interval: SecondsRange = SecondsRange(30, 60), dailyMax: Int = 150, warmup: [Warmup.Stage] = [],
               started: String? = nil, smtp: SMTPEndpoint? = nil, password: String? = nil) -> SendingFleet {
    var gs: [SendingGroup] = []
    var ms: [SendingMailbox] = []
    for g in 1...groups {
        gs.append(SendingGroup(name: "g\(g)", hourlyCap: hourly, pause: pause, smtp: smtp))
        for m in 1...mailboxesPerGroup {
            ms.append(SendingMailbox(address: "sender\(m)@g\(g)-d\(m).example", displayName: "Sender \(m)", group: "g\(g)",
                                     dailyMax: dailyMax, interval: interval, warmup: warmup, warmupStarted: started,
                                     smtpUsername: password == nil ? nil : "user", smtpPassword: password))
        }
    }
    return SendingFleet(groups: gs, mailboxes: ms, thresholds: HealthBands(disableBounceRate: 0.10, minimumSample: 10),
                        unsubscribe: UnsubscribeSettings(baseURL: "https://u.example.org/u", secret: "env:TEST_UNSUB_SECRET"))
}

let testBuilder = MessageBuilder(unsubscribe: UnsubscribeLink(baseURL: "https://u.example.org/u", secret: "test-secret"))

/// 2026-03-02 00:00:00 UTC, a Monday.
let monday: Double = 1_772_409_600

func recipients(_ n: Int, prefix: String = "r", zone: String? = nil) -> [Enrollment] {
    (0..<n).map { Enrollment(email: "\(prefix)\($0)@example.net", timeZone: zone, variables: ["first_name": "R\($0)"]) }
}

/// A SQLite-backed store in a new temp directory.
func makeSQLiteStore() throws -> (SQLiteSendingStore, URL) {
    let dir = try temporaryDirectory()
    let store = SQLiteSendingStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
    return (store, dir)
}

extension SendingStore {
    /// The audit's view of what this store admitted, from its messages and their mailboxes.
    func auditSends(campaigns: [String: Campaign], reservations: [Reservation]) throws -> [LimitAudit.Send] {
        let rows = Dictionary(uniqueKeysWithValues: try messages(state: nil).map { ($0.row, $0) })
        return reservations.compactMap { r in
            guard let m = rows[r.messageRow], let c = campaigns[m.campaign] else { return nil }
            return LimitAudit.Send(at: r.at, group: r.group, mailbox: r.mailbox, email: m.email, campaign: m.campaign, step: m.step,
                                   timeZone: c.windowZone(recipientZone: m.timeZone), window: c.window)
        }
    }
}

/// A host name no resolver can answer, decided on this machine without any
/// network: `.invalid` is reserved never to resolve (RFC 6761), and its
/// 64-octet first label is over DNS's 63-octet limit, so glibc's resolver
/// refuses to encode the query and getaddrinfo fails at once, sending no
/// packet (checked with strace: no connect to port 53, ~0.2 s). A plain
/// `relay.invalid` would ask the configured nameserver and wait on a
/// machine whose nameserver is unreachable. libcurl reports it as code 6.
let unresolvableHost = String(repeating: "a", count: 64) + ".invalid"

/// Headers of a received message (unfolded), by lowercased name.
func headers(of message: String) -> [String: String] {
    let head = message.components(separatedBy: "\r\n\r\n").first ?? message.components(separatedBy: "\n\n").first ?? ""
    var out: [String: String] = [:]
    var last: String?
    for line in head.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
        if line.first == " " || line.first == "\t", let l = last {
            out[l, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            out[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            last = name
        }
    }
    return out
}
