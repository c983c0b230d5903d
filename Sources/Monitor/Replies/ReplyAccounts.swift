import Foundation
import Inventory
import Providers

/// The IMAP logins of every mailbox whose domain is hosted on Zoho
/// (`inbound: zoho`): the organisation's `imappro` host of its region (or the
/// account's `imap_endpoint`), the address as user name, and the password
/// apply set, derived again from the pool's SMTP master secret.
public enum ReplyAccounts {
    public struct MissingSecrets: Error, CustomStringConvertible {
        public var names: [String]
        public var description: String {
            "replies: the secret\(names.count == 1 ? "" : "s") \(names.map { "env:\($0)" }.joined(separator: ", ")) "
                + "\(names.count == 1 ? "is" : "are") not set (needed to log in to the Zoho mailboxes)"
        }
    }

    /// Every missing secret is named at once.
    public static func make(inventory: Inventory, environment: [String: String]) throws -> [IMAPAccount] {
        var accounts: [IMAPAccount] = [], missing: Set<String> = []
        for placement in inventory.mailboxes {
            guard case .zoho(let name) = inventory.effectiveInbound(for: placement.domain),
                  let zoho = inventory.account(named: name)?.zoho,
                  let pool = inventory.pool(for: placement.domain),
                  let ref = inventory.smtpPasswordSecret(forPool: pool) else { continue }
            guard let master = ref.resolve(in: environment), !master.isEmpty else { missing.insert(ref.name); continue }
            let address = placement.mailbox.address(in: placement.domain.name)
            accounts.append(IMAPAccount(mailbox: address, url: zoho.imapURL, username: address,
                                        password: SMTPPasswordDeriver(masterSecret: master).zohoMailboxPassword(for: address),
                                        caFile: zoho.imapCAFile))
        }
        if !missing.isEmpty { throw MissingSecrets(names: missing.sorted()) }
        return accounts
    }
}
