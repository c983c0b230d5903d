import Foundation
import Inventory

/// What `send` checks before its first reservation: every secret the run
/// will read resolves. A missing one would otherwise surface per message,
/// each attempt consuming a mailbox's daily cap for nothing.
public enum SendPreflight {
    /// A secret reference and who reads it.
    public struct Need: Sendable, Equatable {
        public var reference: String
        public var neededBy: String
        public init(reference: String, neededBy: String) { self.reference = reference; self.neededBy = neededBy }
    }

    /// Throws one error naming every missing `env:` variable (each once, with
    /// what needs it), or a reference that is not `env:NAME`.
    public static func check(fleet: SendingFleet, transport: any MailTransport,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let needs = [Need(reference: fleet.unsubscribe.secret, neededBy: "monitoring.unsubscribe_secret")]
            + transport.secretsNeeded(fleet: fleet)
        var missing: [(name: String, users: [String])] = []
        var invalid: [String] = []
        for n in needs {
            guard let ref = SecretRef.parse(n.reference) else {
                invalid.append("\(n.neededBy): the secret must be an env:NAME reference")
                continue
            }
            guard ref.resolve(in: environment) == nil else { continue }
            if let i = missing.firstIndex(where: { $0.name == ref.name }) {
                if !missing[i].users.contains(n.neededBy) { missing[i].users.append(n.neededBy) }
            } else {
                missing.append((ref.name, [n.neededBy]))
            }
        }
        guard missing.isEmpty && invalid.isEmpty else {
            let lines = missing.map { m in
                let shown = m.users.prefix(3).joined(separator: ", ") + (m.users.count > 3 ? " and \(m.users.count - 3) more" : "")
                return "environment variable \(m.name) is not set (needed by \(shown))"
            } + invalid
            throw SenderError.configuration("send: not started, nothing was reserved:\n  " + lines.joined(separator: "\n  "))
        }
    }
}

extension MailTransport {
    /// Secrets this transport reads to send for `fleet` (none by default).
    public func secretsNeeded(fleet: SendingFleet) -> [SendPreflight.Need] { [] }
}

extension SendingFleet {
    /// Mailboxes that can be scheduled (spare ones never send).
    var sendingMailboxes: [SendingMailbox] { mailboxes.filter { $0.role == .active } }
}
