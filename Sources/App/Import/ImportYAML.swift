import DNSRecords
import Foundation
import Inventory
import Providers

/// Writes an `ImportedFleet` in the inventory's own YAML: `imported.yaml`
/// (the inferred `defaults` and `monitoring`, and the domains left out, under
/// an `x-` key the loader ignores) and one `groups/<group>.yaml` per group.
/// Every inferred value has a comment saying where it came from.
struct ImportYAML {
    let fleet: ImportedFleet
    /// The input command line, for the headers.
    var command = "reconcile import"

    static let fleetFile = "imported.yaml"
    static func groupFile(_ name: String) -> String { "groups/\(name).yaml" }

    /// `imported.yaml` only when it has a section to hold (a comment-only file is an "empty file" warning).
    func files() -> [(name: String, text: String)] {
        let hasSection = fleet.defaults != nil || fleet.publicBaseURL != nil || !fleet.leftOut.isEmpty
        return (hasSection ? [(Self.fleetFile, fleetYAML())] : []) + fleet.groups.map { (Self.groupFile($0.name), groupYAML($0)) }
    }

    // MARK: imported.yaml

    func fleetYAML() -> String {
        var y = "# Written by `\(command)`: what the providers hold, as inventory.\n"
        y += "# The accounts and any settings of the input inventory are in the files copied beside this one.\n"
        if let d = fleet.defaults {
            y += "\n# Fleet-wide settings, as most imported domains have them.\n"
            y += "defaults:\n"
            y += line("  ttl: \(d.ttl.value)", d.ttl.source)
            y += line("  inbound: \(inbound(d.inbound.value))", d.inbound.source)
            y += line("  dmarc:", d.dmarc.source)
            if let r = d.dmarc.value {
                y += "    policy: \(r.policy.rawValue)\n"
                if let sp = r.subdomainPolicy { y += "    subdomain_policy: \(sp.rawValue)\n" }
                if !r.rua.isEmpty { y += "    rua: [\(r.rua.map { q($0.description) }.joined(separator: ", "))]\n" }
                if !r.ruf.isEmpty { y += "    ruf: [\(r.ruf.map { q($0.description) }.joined(separator: ", "))]\n" }
                if let pct = r.pct { y += "    pct: \(pct)\n" }
                if let a = r.adkim { y += "    adkim: \(a == .strict ? "strict" : "relaxed")\n" }
                if let a = r.aspf { y += "    aspf: \(a == .strict ? "strict" : "relaxed")\n" }
            } else {
                y += "    policy: none\n"
            }
            y += line("  spf:", d.spf.source)
            y += "    qualifier: \(d.spf.value.qualifier)\n"
            if d.spf.value.includes.isEmpty {
                y += "    includes: []\n"
            } else {
                y += "    includes:\n"
                for i in d.spf.value.includes {
                    if let l = i.lookups {
                        y += line("      - { domain: \(q(i.domain)), lookups: \(l) }", "not in reconcile's table of lookup costs: 1 assumed, check it")
                    } else {
                        y += "      - \(q(i.domain))\n"
                    }
                }
            }
            let tracking = d.tracking.value.map { $0 == "email" ? "true" : "{ enabled: true, prefix: \($0) }" } ?? "false"
            y += line("  tracking: \(tracking)", d.tracking.source)
            y += "  # smtp_password_secret: env:SMTP_MASTER_SECRET\n"
            y += "  #   Mailgun never shows a password, so import cannot know the existing logins' secret. Set it to the\n"
            y += "  #   master secret they were derived from (or a new one, and rotate) before reconcile creates a login.\n"
        }
        if let u = fleet.publicBaseURL {
            y += "\nmonitoring:\n"
            y += line("  public_base_url: \(q(u.value))", u.source)
        }
        if !fleet.leftOut.isEmpty {
            y += "\n# Domains the accounts hold that are not in this inventory, and why (reconcile ignores `x-` keys).\n"
            y += "x-left-out:\n"
            for (d, why) in fleet.leftOut.sorted(by: { $0.key < $1.key }) { y += "  \(q(d)): \(q(why))\n" }
        }
        return y
    }

    // MARK: groups/<group>.yaml

    func groupYAML(_ g: ImportedGroup) -> String {
        var y = "# Written by `\(command)`: the domains of the Mailgun account \(g.pool) (region \(g.region.rawValue)).\n"
        y += "# The group is a proposal: rename it, split it, or move domains to another group of the same pool.\n"
        y += "# No provider knows a domain's warmup: add `warmup: { schedule, started }` to the domains still warming\n"
        y += "# up, or their mailboxes may send up to limits.mailbox.daily_max from the first day.\n"
        y += "group: \(g.name)\n"
        y += line("pool: \(g.pool)", "the Mailgun account that holds these domains")
        y += "domains:\n"
        for d in g.domains {
            let expires = d.expires.map { " until " + FixedFormatDate.day($0) } ?? ""
            let kind = d.registrar == d.registrarKind.rawValue ? "" : " (\(d.registrarKind.rawValue))"
            y += line("  - name: \(q(d.name))", "registered at \(d.registrar)\(kind)\(expires)")
            y += "    registrar: \(d.registrar)\n"
            if let i = d.inbound { y += line("    inbound: \(inbound(i))", d.inboundSource) }
            if !d.autoRenew { y += line("    auto_renew: false", "\(d.registrar) reports auto-renew off") }
            if !d.mailboxes.isEmpty {
                y += "    mailboxes:\n"
                for m in d.mailboxes {
                    let item = m.displayName.map { "{ local: \(q(m.local)), display_name: \(q($0)) }" } ?? q(m.local)
                    y += line("      - \(item)", m.source)
                }
            }
            for n in d.notes { y += "    # \(Self.oneLine(n))\n" }
            if !d.extras.isEmpty {
                y += line("    extra_records:", "records reconcile does not generate, as \(d.registrar) serves them")
                for r in d.extras {
                    var fields = ["name: \(q(r.name))", "type: \(r.type.rawValue)", "value: \(q(r.value))"]
                    if let t = r.ttl { fields.append("ttl: \(t)") }
                    if let p = r.priority { fields.append("priority: \(p)") }
                    y += line("      - { \(fields.joined(separator: ", ")) }", r.source)
                }
            }
        }
        return y
    }

    // MARK: pieces

    func inbound(_ i: InboundChoice) -> String {
        switch i {
        case .zoho(let a):
            return fleet.zohoAccounts == [a] ? "zoho" : "{ mode: zoho, account: \(a) }"
        case .mailgunRouting(let t):
            return "{ mode: mailgun-routing, forward_to: \(q(t)) }"
        }
    }

    /// `text   # comment`, the comments aligned where the text allows.
    func line(_ text: String, _ comment: String?) -> String {
        guard let comment, !comment.isEmpty else { return text + "\n" }
        let pad = max(1, 34 - text.count)
        return text + String(repeating: " ", count: pad) + "# " + Self.oneLine(comment) + "\n"
    }

    /// A YAML double-quoted scalar.
    func q(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += String(format: "\\x%02X", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    static func oneLine(_ s: String) -> String {
        String(s.map { $0.isNewline ? " " : $0 })
    }

}
