import DNSRecords
import Foundation
import Inventory
import Providers

/// The adapter from the inventory (Foundation's model) to the Sender's own
/// input; the scheduler never sees the YAML shape. The Sender's own types
/// (`Warmup.Stage`, `HealthBands`, `WeeklyWindow`) are named apart from the
/// inventory's (`WarmupStage`, `HealthThresholds`, `SendingWindow`), which
/// are only read through their properties here.
extension SendingFleet {
    /// `directory`: where the inventory was read from; a relative `smtp_ca_file` is read there.
    public init(inventory inv: Inventory, directory: String? = nil) {
        var groups: [SendingGroup] = []
        var mailboxes: [SendingMailbox] = []
        var thresholds = HealthBands()
        for g in inv.groups {
            let limits = inv.effectiveLimits(for: g)
            let pool = inv.account(named: g.pool)
            // `smtp_endpoint` replaces the region's host (other ports, a local catcher, tests).
            let smtp = pool?.mailgun.map { mg in
                SMTPEndpoint(url: mg.smtpEndpoint ?? mg.region.smtpURL, caInfo: mg.smtpCAFile.map { file in
                    guard let directory, !file.hasPrefix("/") else { return file }
                    return URL(fileURLWithPath: directory).appendingPathComponent(file).standardizedFileURL.path
                })
            }
            let window = limits.window.map(WeeklyWindow.init)
            var group = SendingGroup(name: g.name, hourlyCap: limits.group.hourly,
                                     pause: SecondsRange(Double(limits.group.pause.min.seconds), Double(limits.group.pause.max.seconds)),
                                     smtp: smtp, window: window, windowTimeZone: limits.window?.timeZone)
            group.windowRecipientLocal = limits.window?.recipientLocal
            if let pool, let mg = pool.mailgun {
                let base = pool.endpoint ?? mg.region.apiBase.absoluteString
                group.mailgun = MailgunAPI(baseURL: base, apiKey: mg.apiKey.description)
            }
            groups.append(group)
            thresholds.disableBounceRate = limits.health.disableBounceRate.fraction
            thresholds.minimumSample = limits.health.bounceMinimumSample
            thresholds.healthyComplaintRate = limits.health.complaintRate.fraction
            let password = pool.flatMap { inv.smtpPasswordSecret(forPool: $0) }.map(\.description)
            for d in g.domains {
                let stages = inv.warmupSchedule(for: d)?.stages.map { Warmup.Stage(days: $0.days, daily: $0.daily) } ?? []
                for m in d.mailboxes {
                    let address = m.address(in: d.name).lowercased()
                    mailboxes.append(SendingMailbox(
                        address: address, displayName: m.displayName, group: g.name,
                        // Spare and retired domains are reconciled but never in rotation.
                        role: d.role == .active ? .active : .spare,
                        dailyMax: limits.mailbox.dailyMax,
                        interval: SecondsRange(Double(limits.mailbox.interval.min.seconds), Double(limits.mailbox.interval.max.seconds)),
                        warmup: stages, warmupStarted: d.warmup.map { $0.started.description },
                        // Mailgun SMTP credentials are per sending domain; each mailbox logs in as itself.
                        smtpUsername: address, smtpPassword: password,
                        smtpPasswordDerivation: password == nil ? nil : SMTPPasswordDeriver.currentVersion))
                }
            }
        }
        // Validation (`sendingProblems`) refuses a fleet without these; the
        // empty fallbacks only serve callers that adapt without sending.
        let base = (inv.monitoring.publicBaseURL ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let secret = inv.monitoring.unsubscribeSecret?.description ?? ""
        self.init(groups: groups, mailboxes: mailboxes, thresholds: thresholds,
                  unsubscribe: UnsubscribeSettings(baseURL: base + "/u", secret: secret))
    }

    /// What sending needs beyond `reconcile validate`: one-click unsubscribe
    /// links are built on `monitoring.public_base_url` and signed with
    /// `monitoring.unsubscribe_secret`; without them every message would
    /// carry a dead link.
    static func sendingProblems(_ inv: Inventory) -> [Diagnostic] {
        guard inv.groups.contains(where: { g in g.domains.contains { !$0.mailboxes.isEmpty } }) else { return [] }
        var out: [Diagnostic] = []
        if inv.monitoring.publicBaseURL == nil {
            out.append(Diagnostic(at: inv.monitoring.location, path: "monitoring.public_base_url",
                                  "sending needs it: every message's one-click unsubscribe link points there"))
        }
        if inv.monitoring.unsubscribeSecret == nil {
            out.append(Diagnostic(at: inv.monitoring.location, path: "monitoring.unsubscribe_secret",
                                  "sending needs it (env:NAME): it signs every message's unsubscribe link"))
        }
        return out
    }

    /// Loads `--inventory DIR` exactly as `reconcile validate` does (load and
    /// compile) and adapts it; every problem stays an `InventoryError`, located.
    public static func load(inventoryDirectory dir: String) throws -> SendingFleet {
        let compiled = try InventoryLoader().loadAndCompile(directory: dir)
        var problems = sendingProblems(compiled.inventory)
        let fleet = SendingFleet(inventory: compiled.inventory, directory: dir)
        problems += fleet.headerProblems().map { p in
            let location = compiled.inventory.groups.lazy.flatMap(\.domains).lazy.flatMap { d in d.mailboxes.map { (d, $0) } }
                .first { $0.1.address(in: $0.0.name).lowercased() == p.address }.map { $0.1.location } ?? .builtIn
            return Diagnostic(at: location, path: "display_name", p.message)
        }
        guard problems.isEmpty else { throw InventoryError(problems + compiled.warnings) }
        return fleet
    }
}
