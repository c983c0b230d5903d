import Foundation
import DNSRecords

extension DesiredState {
    /// A stable, line-oriented rendering for golden tests and `--format text`
    /// inspection: one block per domain, then one line per mailbox. Source
    /// locations are left out so comment edits in the inventory do not churn it.
    public var textDump: String {
        var out: [String] = []
        for d in domains {
            out.append("domain \(d.name)")
            out.append("  group \(d.group), role \(d.role), \(d.inRotation ? "in rotation" : "not in rotation"), inbound \(d.inbound.rawValue)")
            let r = d.registration
            out.append("  registrar \(r.account) (\(r.registrar)): auto-renew \(r.autoRenew ? "on" : "off"), nameservers \(r.nameservers.rawValue)")
            for rec in d.records {
                var line = "  record \(rec.ensure) [\(rec.purpose.rawValue)] \(rec)"
                if case .known(let v) = rec.value, rec.type == .TXT, v.utf8.count > TXTWire.maxChunkBytes {
                    line += " (\(TXTWire.chunks(v).count) strings)"
                }
                out.append(line)
            }
            let m = d.mailgun
            out.append("  mailgun \(m.ensure) \(m.account) (\(m.region)): dkim \(m.dkimKeySize) bits, selector \(m.dkimSelector), tracking \(m.trackingPrefix.map { "on (\($0))" } ?? "off")")
            for c in m.smtpCredentials {
                out.append("    smtp \(c.ensure) \(c.login), password derived from \(c.passwordSecret?.description ?? "(none)")")
            }
            for w in m.webhooks { out.append("    webhook \(w.ensure) \(w.event) -> \(w.url)") }
            for rt in m.routes {
                out.append("    route \(rt.ensure) \(rt.priority) \(rt.expression) -> \(rt.actions.joined(separator: ", "))")
            }
            if let z = d.zoho {
                out.append("  zoho \(z.ensure) \(z.account) (\(z.region), org \(z.orgID)): dkim selector \(z.dkimSelector), verification \(z.verificationCode)")
                for u in z.users { out.append("    user \(u.ensure) \(u.address)" + (u.displayName.map { " \"\($0)\"" } ?? "")) }
            }
            for f in d.web?.forwards ?? [] { out.append("  web forward \(f)") }
        }
        for mb in mailboxes {
            var line = "mailbox \(mb.address): group \(mb.group), role \(mb.role), \(mb.inRotation ? "in rotation" : "not in rotation"), inbound \(mb.inbound.rawValue)"
            if let w = mb.warmup {
                let stages = w.stages.map { s in s.days.map { "\($0)d×\(s.daily)" } ?? "\(s.daily)" }.joined(separator: " ")
                line += ", warmup \(w.schedule) from \(w.started) [\(stages)]"
            } else {
                line += ", no warmup"
            }
            out.append(line)
        }
        for w in warnings { out.append("warning \(w.path): \(w.message)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// Pretty JSON with sorted keys (stable across runs).
    public func jsonDump() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
