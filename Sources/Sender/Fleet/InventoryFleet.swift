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
            // Calendar weekdays count from Sunday = 1; the inventory's ISO ones from Monday = 1.
            let window = limits.window.map { w in
                WeeklyWindow(startMinute: w.startMinute, endMinute: w.endMinute, weekdays: w.days.map { $0.isoNumber % 7 + 1 })
            }
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
        let base = (inv.monitoring.publicBaseURL ?? "https://unsubscribe.invalid").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let secret = (inv.monitoring.unsubscribeSecret ?? SecretRef(env: "RECONCILE_UNSUBSCRIBE_SECRET")).description
        self.init(groups: groups, mailboxes: mailboxes, thresholds: thresholds,
                  unsubscribe: UnsubscribeSettings(baseURL: base + "/u", secret: secret))
    }

    /// Loads `--inventory DIR` and adapts it; inventory errors keep their file:line:column.
    public static func load(inventoryDirectory dir: String) throws -> SendingFleet {
        do { return SendingFleet(inventory: try InventoryLoader().load(directory: dir).inventory, directory: dir) } catch {
            throw SenderError.configuration("\(error)")
        }
    }
}
