import Foundation
@testable import App
import Inventory
import Testing

/// The export's SMTP columns follow the pool's `smtp_endpoint` when the
/// inventory sets one (where `send` relays too), else the region's host.
@Suite struct MailboxExportEndpointTests {
    func rows(endpoint: String?) throws -> [MailboxExportRow] {
        var inventory = try InventoryLoader().load(directory: AppLayerTests.inventoryDirectory).inventory
        inventory.accounts["mailgun-us"]?.settings = .mailgun(MailgunAccount(
            region: .us, apiKey: SecretRef(env: "MAILGUN_US_API_KEY"), smtpEndpoint: endpoint))
        return try MailboxExport.rows(inventory: inventory, filter: .init(), on: CalendarDate(year: 2026, month: 12, day: 3)!,
                                      includeSecrets: false, environment: [:])
    }

    @Test func endpointOverridesTheRegionHostPortAndSecurity() throws {
        let relayed = try rows(endpoint: "smtps://relay.internal.example:465")
        let us = relayed.filter { $0.group == "us-outreach" }
        #expect(!us.isEmpty)
        #expect(us.allSatisfy { $0.smtpHost == "relay.internal.example" && $0.smtpPort == 465 && $0.smtpSecurity == "ssl" })
        // The EU pool has no endpoint: Mailgun's EU host, STARTTLS on 587.
        let eu = relayed.filter { $0.group == "eu-outreach" }
        #expect(!eu.isEmpty && eu.allSatisfy { $0.smtpHost == "smtp.eu.mailgun.org" && $0.smtpPort == 587 && $0.smtpSecurity == "starttls" })

        let local = try rows(endpoint: "smtp://127.0.0.1:2525").filter { $0.group == "us-outreach" }
        #expect(local.allSatisfy { $0.smtpHost == "127.0.0.1" && $0.smtpPort == 2525 && $0.smtpSecurity == "starttls" })
        let plain = try rows(endpoint: nil).filter { $0.group == "us-outreach" }
        #expect(plain.allSatisfy { $0.smtpHost == "smtp.mailgun.org" && $0.smtpPort == 587 })
    }
}
