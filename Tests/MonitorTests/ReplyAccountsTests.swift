import Foundation
import Inventory
import Providers
import TestSupport
import Testing
@testable import Monitor

@Suite struct ReplyAccountsTests {
    static func exampleInventory() throws -> Inventory {
        try InventoryLoader().load(directory: ReconcileBinary.repositoryRoot.appendingPathComponent("inventory").path).inventory
    }

    @Test func zohoMailboxesLogInToTheirRegionWithTheDerivedPasswordAndRoutedDomainsAreLeftOut() throws {
        let inventory = try Self.exampleInventory()
        let accounts = try ReplyAccounts.make(inventory: inventory, environment: ["SMTP_MASTER_SECRET": "master-for-test"])
        let anna = try #require(accounts.first { $0.mailbox == "anna@acme-mail.de" })
        #expect(anna.url == "imaps://imappro.zoho.eu:993")
        #expect(anna.username == "anna@acme-mail.de")
        #expect(anna.password == SMTPPasswordDeriver(masterSecret: "master-for-test").zohoMailboxPassword(for: "anna@acme-mail.de"))
        #expect(anna.caFile == nil)
        // acmehq.eu routes replies through Mailgun: nothing to poll there.
        #expect(!accounts.contains { $0.mailbox.hasSuffix("@acmehq.eu") })
        let zohoDomains = inventory.domains.filter { if case .zoho = inventory.effectiveInbound(for: $0) { true } else { false } }
        #expect(accounts.count == zohoDomains.reduce(0) { $0 + $1.mailboxes.count })
    }

    @Test func aMissingMasterSecretIsNamedOnceWithoutAnyValue() throws {
        #expect {
            try ReplyAccounts.make(inventory: try Self.exampleInventory(), environment: [:])
        } throws: { error in
            "\(error)" == "replies: the secret env:SMTP_MASTER_SECRET is not set (needed to log in to the Zoho mailboxes)"
        }
    }
}
