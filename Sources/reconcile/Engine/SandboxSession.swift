import Foundation
import Inventory
import Sandbox

/// `--sandbox`: every provider emulated in-process over one DNS view, the
/// world kept in `.reconcile/sandbox/world.json` between runs. The
/// inventory's accounts are pointed at the emulators and their `env:NAME`
/// references filled with the emulators' credentials, so the run goes
/// through exactly the clients and adapters a real run uses.
struct SandboxSession {
    static let home = ".reconcile/sandbox"

    let world: SandboxWorld
    let secrets: SandboxSecrets

    /// Starts the world; the inventory's domains are registered as if just
    /// bought (the tool itself never buys domains).
    static func start(inventoryDirectory: String, limits: Bool = true) async throws -> SandboxSession {
        let seed = try SandboxCommand.seed(fromInventory: inventoryDirectory)
        let world = try await SandboxWorld.start(home: home, seed: seed, options: SandboxOptions(limits: limits))
        do { return SandboxSession(world: world, secrets: try SandboxSecrets(home: home)) } catch {
            await world.stop()
            throw error
        }
    }

    /// Saves the world (atomically) and stops the emulators.
    func stop() async { await world.stop() }

    /// The inventory with sandbox credentials: accounts rewritten where the
    /// emulator insists on its own identifiers (Namecheap's API user and
    /// allow-listed IP; the Zoho emulator already is the inventory's
    /// organisation, from the seed), an environment with every referenced secret, and the
    /// emulators' URLs by account name. The process environment is never
    /// read: a production secret set in the shell must not reach the sandbox.
    func bind(_ inventory: Inventory)
        -> (inventory: Inventory, environment: [String: String], endpoints: [String: URL]) {
        var inventory = inventory
        var env: [String: String] = [:]
        var endpoints: [String: URL] = [:]
        func set(_ ref: SecretRef, _ value: String?) { if let value { env[ref.name] = value } }
        for (name, var account) in inventory.accounts {
            switch account.settings {
            case .porkbun(let p):
                guard let d = world.service("porkbun")?.descriptor else { continue }
                set(p.apiKey, d["apikey"]); set(p.secretKey, d["secretapikey"])
                endpoints[name] = d["url"].flatMap(URL.init(string:))
            case .namecheap(var n):
                guard let d = world.service("namecheap")?.descriptor else { continue }
                set(n.apiKey, d["ApiKey"])
                n.apiUser = d["ApiUser"] ?? n.apiUser
                n.username = d["UserName"] ?? n.username
                n.clientIP = d["ClientIp"] ?? n.clientIP
                account.settings = .namecheap(n)
                endpoints[name] = d["url"].flatMap(URL.init(string:))
            case .mailgun(let m):
                guard let d = world.service("mailgun-\(m.region.rawValue)")?.descriptor else { continue }
                set(m.apiKey, d["api_key"])
                if let key = m.webhookSigningKey { set(key, d["webhook_signing_key"]) }
                endpoints[name] = d["url"].flatMap(URL.init(string:))
            case .zoho(let z):
                guard let d = world.service("zoho")?.descriptor else { continue }
                set(z.clientID, d["client_id"]); set(z.clientSecret, d["client_secret"]); set(z.refreshToken, d["refresh_token"])
                endpoints[name] = d["url"].flatMap(URL.init(string:))
            }
            inventory.accounts[name] = account
        }
        // Secrets no emulator issues (the SMTP master secret, the unsubscribe
        // key): the world's own values (`SandboxSecrets`).
        for ref in inventory.secretReferences where env[ref.name] == nil {
            env[ref.name] = secrets.value(for: ref.name)
        }
        return (inventory, env, endpoints)
    }
}
