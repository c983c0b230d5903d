import DNSRecords
import Providers

extension SandboxServiceFactory {
    /// Sandbox credentials: fixed, obviously fake, and printed in the world's JSON line.
    public static let mailgunSandboxKey = "key-sandbox00000000000000000000000000"
    public static let mailgunSandboxSigningKey = "sandbox-webhook-signing-key-0000"

    public static let mailgunUS = mailgun(.us)
    public static let mailgunEU = mailgun(.eu)

    /// `mailgun-us` / `mailgun-eu`: the regions are separate emulators, as they are
    /// separate APIs at Mailgun (§1.1), over the world's shared DNS view.
    static func mailgun(_ region: MailgunRegion) -> SandboxServiceFactory {
        SandboxServiceFactory(apiName: "mailgun-\(region.rawValue)") { ctx in
            let emulator = try await MailgunEmulator.start(
                region: region, dns: ctx.dnsView, apiKey: mailgunSandboxKey, signingKey: mailgunSandboxSigningKey,
                faults: ctx.faults, seed: ctx.faultSeed &+ (region == .us ? 11 : 12),
                limits: ctx.limits ? MailgunEmulator.accountLimits : .unlimited, savedState: ctx.savedState,
                smtpDirectory: ctx.filesDirectory)
            return RunningService(apiName: "mailgun-\(region.rawValue)", server: emulator.server, url: emulator.url,
                                  credentials: .mailgun(.init(region: region, apiKey: mailgunSandboxKey,
                                                              webhookSigningKey: mailgunSandboxSigningKey,
                                                              smtpURL: emulator.smtp.url, smtpCAFile: emulator.smtp.caFile)),
                                  counters: emulator.counters, exportState: { try emulator.exportState() },
                                  redirectWebhooks: { emulator.redirectWebhooks(to: $0) }, stop: { await emulator.stop() })
        }
    }
}

extension SandboxServiceFactory {
    /// The mail-platform services of a sandbox world, in the order their JSON entries
    /// are documented: `mailgun-us`, `mailgun-eu`, `zoho`, `telegram`. Joined into a world
    /// with `SandboxWorld.start(seed:options:services: SandboxWorld.defaultServices + SandboxServiceFactory.mail)`.
    public static let mail: [SandboxServiceFactory] = [.mailgunUS, .mailgunEU, .zoho, .telegram]
}
