import App
import ArgumentParser
import Foundation
import Reconciler
import Resolver
import Sender

enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

enum RefreshMode: String, ExpressibleByArgument, CaseIterable { case auto, full, none }

extension ProgressMode: ExpressibleByArgument {}

extension TransportKind: ExpressibleByArgument {}

extension MailboxExport.Format: ExpressibleByArgument {}

/// `30s`, `10m`, `2h`, or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var seconds: TimeInterval
    init(seconds: TimeInterval) { self.seconds = seconds }
    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var factor = 1.0
        if let last = text.last, let f = units[last] { factor = f; text.removeLast() }
        guard let n = Double(text), n >= 0, n.isFinite else { return nil }
        seconds = n * factor
    }
    var defaultValueDescription: String {
        seconds.truncatingRemainder(dividingBy: 60) == 0 && seconds > 0 ? "\(Int(seconds / 60))m" : "\(Int(seconds))s"
    }
}

/// `--nameserver HOST:PORT` of `check` and `serve`: one DNS server asked for every domain.
func nameserverArgument(_ text: String?) throws -> DNSServer? {
    guard let text else { return nil }
    guard let server = DNSServer(parsing: text) else {
        throw ValidationError("--nameserver \(text): expected an IP address and port, e.g. 127.0.0.1:53")
    }
    return server
}
