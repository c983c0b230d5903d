import Foundation
import Inventory
import Providers

/// What `serve` probes, from the inventory: each sending pool's SMTP
/// endpoint with every mailbox's derived Mailgun login (as the sender logs
/// in), and each Zoho organisation's IMAP and SMTP endpoints with every
/// mailbox's derived Zoho password (as reply polling logs in). The accounts'
/// `smtp_endpoint`/`imap_endpoint` (and `*_ca_file`) move them, as they move
/// the sender and the reply poller.
public enum ProbeTargets {
    /// The targets, and what could not be probed (a master secret not set), to log.
    public static func make(inventory: Inventory, directory: String? = nil,
                            environment: [String: String]) -> (targets: [ProbeTarget], problems: [String]) {
        var targets: [ProbeTarget] = [], problems: [String] = []
        let placements = inventory.mailboxes.filter { $0.domain.role != .retired }
        for account in inventory.sortedAccounts {
            guard let mg = account.mailgun else { continue }
            let mine = placements.filter { inventory.pool(for: $0.domain)?.name == account.name }
            guard !mine.isEmpty, let ref = inventory.smtpPasswordSecret(forPool: account) else { continue }
            guard let master = ref.resolve(in: environment) else {
                problems.append("probes: \(ref) is not set: the SMTP logins of \(account.name) are not probed")
                continue
            }
            let deriver = SMTPPasswordDeriver(masterSecret: master)
            let logins = mine.map { p in
                ProbeLogin(username: p.address.lowercased(),
                           password: deriver.password(for: p.address.lowercased(), version: SMTPPasswordDeriver.currentVersion))
            }
            targets.append(ProbeTarget(account: account.name, provider: "Mailgun", proto: .smtp, url: mg.smtpEndpoint ?? mg.region.smtpURL,
                                       caFile: mg.smtpCAFile.map { path($0, in: directory) }, logins: logins))
        }
        let imap: [IMAPAccount]
        do { imap = try ReplyAccounts.make(inventory: inventory, directory: directory, environment: environment) } catch {
            problems.append("probes: the Zoho logins are not probed: \(error)")
            imap = []
        }
        // Reply polling's logins, by the Zoho account that hosts each mailbox's domain.
        var byAccount: [String: [IMAPAccount]] = [:]
        for a in imap {
            guard let domain = inventory.domain(named: String(a.mailbox.split(separator: "@").last ?? "")),
                  case .zoho(let name) = inventory.effectiveInbound(for: domain), domain.role != .retired else { continue }
            byAccount[name, default: []].append(a)
        }
        for name in byAccount.keys.sorted() {
            guard let zoho = inventory.account(named: name)?.zoho, let accounts = byAccount[name] else { continue }
            let logins = accounts.map { ProbeLogin(username: $0.username, password: $0.password) }
            targets.append(ProbeTarget(account: name, provider: "Zoho", proto: .imap, url: zoho.imapURL, caFile: accounts[0].caFile, logins: logins))
            targets.append(ProbeTarget(account: name, provider: "Zoho", proto: .smtp, url: zoho.smtpURL,
                                       caFile: zoho.smtpCAFile.map { path($0, in: directory) }, logins: logins))
        }
        return (targets, problems)
    }

    /// A CA file as written in the inventory, relative to its directory.
    static func path(_ file: String, in directory: String?) -> String {
        guard let directory, !file.hasPrefix("/") else { return file }
        return URL(fileURLWithPath: directory).appendingPathComponent(file).standardizedFileURL.path
    }
}
