import DNSRecords
import Foundation
import Inventory

/// The inventory import is about to write, as values: each inferred value
/// carries where it came from, which the YAML writer prints as a comment.
struct ImportedFleet: Sendable {
    /// nil: the input inventory has its own `defaults`, used as written.
    var defaults: InferredDefaults?
    /// nil: the input inventory has its own `monitoring`.
    var publicBaseURL: Inferred<String>?
    var groups: [ImportedGroup]
    /// Domain → why it is not in the inventory.
    var leftOut: [String: String]
    /// The inventory's zoho accounts: with exactly one, `inbound: zoho` needs no account name.
    var zohoAccounts: [String]
}

struct Inferred<Value: Sendable>: Sendable {
    var value: Value
    /// Where it came from, for the comment (`the _dmarc TXT of 12 of 12 domains`).
    var source: String
}

enum InboundChoice: Sendable, Hashable {
    case zoho(account: String)
    case mailgunRouting(forwardTo: String)

    init(_ p: InboundPolicy) {
        switch p {
        case .zoho(let a): self = .zoho(account: a)
        case .mailgunRouting(let t): self = .mailgunRouting(forwardTo: t)
        }
    }
}

struct InferredDefaults: Sendable {
    var ttl: Inferred<Int>
    var inbound: Inferred<InboundChoice>
    var dmarc: Inferred<DMARCRecord?>
    var spf: Inferred<InferredSPF>
    /// The tracking CNAME's label, nil when tracking is off.
    var tracking: Inferred<String?>
}

struct InferredSPF: Sendable {
    /// `softfail`, `fail`, `neutral`.
    var qualifier: String
    /// Includes beside Mailgun's and Zoho's, with a lookup cost when the built-in table does not know it.
    var includes: [(domain: String, lookups: Int?)]
}

struct ImportedGroup: Sendable {
    var name: String
    var pool: String
    var region: MailgunRegion
    var domains: [ImportedDomain]
}

struct ImportedDomain: Sendable {
    var name: String
    var registrar: String
    var registrarKind: AccountKind
    var expires: Date?
    var autoRenew: Bool
    /// nil: the default inbound applies.
    var inbound: InboundChoice?
    var inboundSource: String
    var mailboxes: [ImportedMailbox]
    var extras: [ImportedRecord] = []
    /// Comment lines: mailboxes not imported, records left unmanaged, what the check plan still changes.
    var notes: [String] = []
}

struct ImportedMailbox: Sendable {
    var local: String
    var displayName: String?
    var source: String
}

struct ImportedRecord: Sendable {
    /// Relative to the domain (`@`, `www`, `_x.sub`).
    var name: String
    var type: RecordType
    /// nil: the defaults' TTL.
    var ttl: Int?
    var priority: Int?
    var value: String
    var source: String
}
