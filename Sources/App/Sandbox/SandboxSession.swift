import Foundation
import Inventory
import Sandbox

/// `--sandbox`: every provider emulated in-process over one DNS view, the
/// world kept in `.reconcile/sandbox/world.json` between runs. The
/// inventory's accounts are pointed at the emulators and their `env:NAME`
/// references filled with the emulators' credentials, so the run goes
/// through exactly the clients and adapters a real run uses.
public struct SandboxSession: Sendable {
    public static let home = ".reconcile/sandbox"

    public let world: SandboxWorld
    /// Values for the secrets no emulator issues; never the environment's.
    public let secrets: SandboxSecrets

    public init(world: SandboxWorld, secrets: SandboxSecrets = SandboxSecrets()) {
        self.world = world
        self.secrets = secrets
    }

    /// Starts the world; the inventory's domains are registered as if just
    /// bought (the tool itself never buys domains).
    public static func start(inventory: Inventory, limits: Bool = true, publishDNS: Bool = false) async throws -> SandboxSession {
        let world = try await SandboxWorld.start(home: home, seed: try SandboxSeed(inventory),
                                                 options: SandboxOptions(limits: limits, publishDNS: publishDNS))
        do { return SandboxSession(world: world, secrets: try SandboxSecrets(home: home)) } catch {
            await world.stop()
            throw error
        }
    }

    /// Saves the world (atomically) and stops the emulators.
    public func stop() async { await world.stop() }

    /// The inventory with sandbox credentials: accounts rewritten where the
    /// emulator insists on its own identifiers (Namecheap's API user and
    /// allow-listed IP; Mailgun's SMTP endpoint and CA file; the Zoho emulator already is the inventory's
    /// organisation, from the seed), an environment with every referenced
    /// secret, and the emulators' URLs by account name. The process
    /// environment is never read: a production secret set in the shell must
    /// not reach the sandbox.
    public func bind(_ inventory: Inventory)
        -> (inventory: Inventory, environment: [String: String], endpoints: [String: URL]) {
        var inventory = inventory
        var env: [String: String] = [:]
        var endpoints: [String: URL] = [:]
        for (name, var account) in inventory.accounts {
            guard case let (url, credentials)? = world.login(Self.apiName(of: account.settings)) else { continue }
            switch (account.settings, credentials) {
            case (.porkbun(let p), .porkbun(let c)):
                env[p.apiKey.name] = c.apiKey; env[p.secretKey.name] = c.secretKey
            case (.namecheap(var n), .namecheap(let c)):
                env[n.apiKey.name] = c.apiKey
                (n.apiUser, n.username, n.clientIP) = (c.apiUser, c.userName, c.clientIP)
                account.settings = .namecheap(n)
            case (.mailgun(var m), .mailgun(let c)):
                env[m.apiKey.name] = c.apiKey
                if let key = m.webhookSigningKey { env[key.name] = c.webhookSigningKey }
                // SMTP submission goes to the emulator's port, its certificate verified against the one it wrote.
                (m.smtpEndpoint, m.smtpCAFile) = (c.smtpURL, c.smtpCAFile)
                account.settings = .mailgun(m)
            case (.zoho(let z), .zoho(let c)):
                env[z.clientID.name] = c.clientID; env[z.clientSecret.name] = c.clientSecret; env[z.refreshToken.name] = c.refreshToken
            default: continue
            }
            endpoints[name] = url
            inventory.accounts[name] = account
        }
        // Secrets no emulator issues (the SMTP master secret, the unsubscribe
        // key): the world's own values (`SandboxSecrets`).
        for ref in inventory.secretReferences where env[ref.name] == nil {
            env[ref.name] = secrets.value(for: ref.name)
        }
        return (inventory, env, endpoints)
    }

    /// The emulator serving an account of this kind.
    static func apiName(of settings: AccountSettings) -> String {
        switch settings {
        case .porkbun: "porkbun"
        case .namecheap: "namecheap"
        case .mailgun(let m): "mailgun-\(m.region.rawValue)"
        case .zoho: "zoho"
        }
    }
}
