import Foundation
import Testing
import DNSRecords
@testable import Inventory

/// Compiles small in-memory inventories and checks the resources and the
/// located errors the compiler produces.
@Suite struct DesiredStateCompilerTests {
    static let fleet = """
    accounts:
      porkbun: { api_key: env:PB_KEY, secret_key: env:PB_SECRET }
      mailgun-eu: { kind: mailgun, region: eu, api_key: env:MG_KEY }
      zoho: { region: com, client_id: env:Z_ID, client_secret: env:Z_SECRET, refresh_token: env:Z_TOKEN, org_id: "77" }
    defaults:
      ttl: 1800
      smtp_password_secret: env:SMTP_MASTER
    warmup:
      ramp:
        - { days: 3, daily: 5 }
        - { daily: 40 }
    monitoring:
      public_base_url: https://hooks.example.org/
    """

    static let group = """
    group: g1
    pool: mailgun-eu
    domains:
      - name: live.example
        registrar: porkbun
        warmup: { schedule: ramp, started: 2026-11-01 }
        mailboxes: [alice, { local: bob, display_name: "Bob B" }]
      - name: standby.example
        registrar: porkbun
        role: spare
        mailboxes: [carol]
      - name: old.example
        registrar: porkbun
        role: retired
        extra_records:
          - { name: www, type: A, value: 192.0.2.10 }
        mailboxes: [dan]
      - name: routed.example
        registrar: porkbun
        inbound: { mode: mailgun-routing, forward_to: replies@example.org }
        mailboxes: [erin]
    """

    static func compile(fleet: String = fleet, group: String = group) throws -> DesiredState {
        let loaded = try InventoryLoader().load(files: [("fleet.yaml", fleet), ("g1.yaml", group)])
        return try DesiredStateCompiler.compile(loaded.inventory)
    }

    /// The compile errors as `FILE:LINE:COL: path: message`.
    static func errors(fleet: String = fleet, group: String = group) throws -> [String] {
        let loaded = try InventoryLoader().load(files: [("fleet.yaml", fleet), ("g1.yaml", group)])
        do {
            _ = try DesiredStateCompiler.compile(loaded.inventory)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func activeZohoDomain() throws {
        let d = try #require(try Self.compile().domain(named: "live.example"))
        #expect(d.role == .active && d.inRotation)
        #expect(d.registration == DesiredRegistration(account: "porkbun", registrar: .porkbun, autoRenew: true, nameservers: .registrarDNS))
        #expect(d.records.map(\.description) == [
            "_dmarc.live.example 1800 TXT \"v=DMARC1; p=none\"",
            "live.example 1800 MX 10 mx.zoho.com",
            "live.example 1800 MX 20 mx2.zoho.com",
            "live.example 1800 MX 50 mx3.zoho.com",
            "live.example 1800 TXT (known after apply: zoho.domain.verification-code)",
            "live.example 1800 TXT \"v=spf1 include:eu.mailgun.org include:zoho.com ~all\"",
            "mg._domainkey.live.example 1800 TXT (known after apply: mailgun.domain.dkim)",
            "zmail._domainkey.live.example 1800 TXT (known after apply: zoho.domain.dkim)",
        ])
        #expect(d.records.allSatisfy { $0.ensure == .present })
        #expect(d.mailgun.region == .eu && d.mailgun.account == "mailgun-eu" && d.mailgun.dkimKeySize == 2048)
        #expect(d.mailgun.smtpCredentials.map(\.login) == ["alice@live.example", "bob@live.example"])
        #expect(d.mailgun.smtpCredentials.allSatisfy { $0.passwordSecret == SecretRef(env: "SMTP_MASTER") })
        #expect(d.mailgun.webhooks.map(\.event) == ["complained", "delivered", "permanent_fail", "temporary_fail", "unsubscribed"])
        #expect(d.mailgun.webhooks.allSatisfy { $0.url == "https://hooks.example.org/webhooks/mailgun" })
        #expect(d.mailgun.routes.isEmpty)
        let z = try #require(d.zoho)
        #expect(z.orgID == "77" && z.region == .com)
        #expect(z.verificationCode == .afterApply(source: AfterApply.zohoVerificationCode))
        #expect(z.verificationTXT(code: "zb42") == "zoho-verification=zb42.zmverify.zoho.com")
        #expect(d.records(.mx).map(\.priority) == [10, 20, 50])
        #expect(z.users == [DesiredZohoUser(ensure: .present, address: "alice@live.example", displayName: nil),
                            DesiredZohoUser(ensure: .present, address: "bob@live.example", displayName: "Bob B")])
    }

    @Test func mailboxesCarryGroupRoleAndWarmup() throws {
        let s = try Self.compile()
        #expect(s.mailboxes.map(\.address) == ["alice@live.example", "bob@live.example", "carol@standby.example",
                                               "dan@old.example", "erin@routed.example"])
        let bob = try #require(s.mailbox("bob@live.example"))
        #expect(bob.group == "g1" && bob.role == .active && bob.inRotation && bob.displayName == "Bob B")
        #expect(bob.warmup?.schedule == "ramp")
        #expect(bob.warmup?.stages.map(\.daily) == [5, 40])
        #expect(bob.location.file == "g1.yaml")
        let carol = try #require(s.mailbox("carol@standby.example"))
        #expect(carol.role == .spare && !carol.inRotation && carol.warmup == nil)
        #expect(s.mailbox("dan@old.example")?.inRotation == false)
    }

    @Test func spareIsFullyReconciledButNotInRotation() throws {
        let d = try #require(try Self.compile().domain(named: "standby.example"))
        #expect(!d.inRotation)
        #expect(d.records.allSatisfy { $0.ensure == .present })
        #expect(d.mailgun.ensure == .present && d.zoho?.ensure == .present)
        #expect(d.mailgun.smtpCredentials.map(\.login) == ["carol@standby.example"])
    }

    @Test func retiredDomainTearsDownMailResources() throws {
        let d = try #require(try Self.compile().domain(named: "old.example"))
        #expect(d.registration.autoRenew)
        #expect(d.mailgun.ensure == .absent)
        #expect(d.mailgun.smtpCredentials.isEmpty && d.mailgun.webhooks.isEmpty)
        #expect(d.zoho?.ensure == .absent)
        #expect(d.zoho?.users.map(\.ensure) == [.absent])
        let mail = d.records.filter { $0.purpose != .extra }
        #expect(mail.count == 8 && mail.allSatisfy { $0.ensure == .absent })
        // The operator's own records stay.
        #expect(d.records.filter { $0.purpose == .extra }.map(\.description) == ["www.old.example 1800 A 192.0.2.10"])
        #expect(d.records.first { $0.purpose == .extra }?.ensure == .present)
    }

    @Test func mailgunRoutingDomain() throws {
        let d = try #require(try Self.compile().domain(named: "routed.example"))
        #expect(d.zoho == nil)
        #expect(d.records.filter { $0.type == .MX }.map(\.description) == [
            "routed.example 1800 MX 10 mxa.eu.mailgun.org", "routed.example 1800 MX 10 mxb.eu.mailgun.org"])
        #expect(d.records.first { $0.purpose == .spf }?.value == .known("v=spf1 include:eu.mailgun.org ~all"))
        #expect(!d.records.contains { $0.purpose == .zohoDKIM || $0.purpose == .zohoVerification })
        #expect(d.mailgun.routes == [DesiredRoute(ensure: .present, description: "reconcile: erin@routed.example", priority: 10,
                                                  expression: "match_recipient(\"erin@routed.example\")",
                                                  actions: ["forward(\"replies@example.org\")",
                                                            "forward(\"https://hooks.example.org/inbound/mailgun\")", "stop()"])])
    }

    @Test func trackingAddsCNAMEAndEvents() throws {
        let fleet = Self.fleet.replacingOccurrences(of: "  ttl: 1800\n", with: "  ttl: 1800\n  tracking: true\n")
        let d = try #require(try Self.compile(fleet: fleet).domain(named: "live.example"))
        #expect(d.records.first { $0.purpose == .tracking }?.description == "email.live.example 1800 CNAME eu.mailgun.org")
        #expect(d.mailgun.trackingPrefix == "email")
        #expect(d.mailgun.webhooks.map(\.event).contains("opened"))
    }

    @Test func dmarcAndSPFPolicyFlowIntoRecords() throws {
        let fleet = Self.fleet.replacingOccurrences(of: "  ttl: 1800\n", with: """
          ttl: 1800
          dmarc: { policy: quarantine, rua: "mailto:d@example.org", pct: 25, adkim: strict }
          spf: { qualifier: fail, includes: [_spf.google.com, { domain: spf.crm.example, lookups: 2 }] }

        """)
        let d = try #require(try Self.compile(fleet: fleet).domain(named: "live.example"))
        #expect(d.records.first { $0.purpose == .dmarc }?.value == .known("v=DMARC1; p=quarantine; rua=mailto:d@example.org; pct=25; adkim=s"))
        #expect(d.records.first { $0.purpose == .spf }?.value
                == .known("v=spf1 include:eu.mailgun.org include:zoho.com include:_spf.google.com include:spf.crm.example -all"))
    }

    @Test func tooManySPFLookupsIsLocatedAtTheIncludes() throws {
        let fleet = Self.fleet.replacingOccurrences(of: "  ttl: 1800\n", with: """
          ttl: 1800
          spf:
            includes:
              - _spf.google.com
              - { domain: spf.big.example, lookups: 4 }

        """)
        // zoho domains: 2 + 1 + 4 + 4 = 11; the mailgun-routing one has 10 and passes.
        let errors = try Self.errors(fleet: fleet)
        #expect(errors == [
            "fleet.yaml:10:19: defaults.spf.includes: the SPF record needs 11 DNS lookups; RFC 7208 allows 10 (v=spf1 include:eu.mailgun.org include:zoho.com include:_spf.google.com include:spf.big.example ~all)",
        ])
    }

    @Test func unknownIncludeCostIsLocated() throws {
        let fleet = Self.fleet.replacingOccurrences(of: "  ttl: 1800\n", with: "  ttl: 1800\n  spf: { includes: [zoho.com, mystery.example] }\n")
        let errors = try Self.errors(fleet: fleet)
        #expect(errors == [
            "fleet.yaml:7:31: defaults.spf.includes[1]: the DNS lookup cost of include:mystery.example is unknown; give it explicitly (lookups: N)",
        ])
    }

    @Test func extraRecordConflictsAreLocatedAtTheExtraRecord() throws {
        let group = Self.group.replacingOccurrences(of: "    mailboxes: [carol]\n", with:
            "    extra_records:\n"
            + "      - { name: \"@\", type: TXT, value: \"v=spf1 -all\" }\n"
            + "      - { name: mg._domainkey, type: CNAME, value: elsewhere.example }\n"
            + "    mailboxes: [carol]\n")
        let errors = try Self.errors(group: group)
        #expect(errors == [
            "g1.yaml:12:9: domains[1].extra_records[0]: standby.example: 2 SPF records at one name; receivers treat that as a permanent error — merge them",
            "g1.yaml:13:9: domains[1].extra_records[1]: mg._domainkey.standby.example: a CNAME cannot share its name with other records (TXT)",
        ])
    }

    @Test func missingPublicBaseURLIsAnError() throws {
        let fleet = Self.fleet.replacingOccurrences(of: "monitoring:\n  public_base_url: https://hooks.example.org/", with: "")
        let errors = try Self.errors(fleet: fleet)
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("monitoring.public_base_url: Mailgun webhooks need monitoring.public_base_url: bounces and complaints arrive there and drive suppression") == true)
    }
}
