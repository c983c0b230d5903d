import Foundation
import Inventory
import Providers

/// How long the reads will take at the accounts' rate budgets, said before
/// they start (600 domains at Namecheap's 20 requests a minute is half an
/// hour). Registrar zones are read first, then the mail platforms; accounts
/// run side by side, so each phase takes as long as its slowest account.
struct ImportEstimate: Sendable {
    struct Account: Sendable {
        var name: String
        var requests: Int
        var windows: [RateWindow]
        var seconds: Double
    }

    var registrars: [Account]
    var mail: [Account]
    var seconds: Double { (registrars.map(\.seconds).max() ?? 0) + (mail.map(\.seconds).max() ?? 0) }

    /// `listed`: how many domains each registrar account lists (its two later
    /// plans list it again, a page per 100 at Namecheap, per 1000 at Porkbun).
    /// `zohoIncomplete`: Zoho domains whose listing lacks what the observer needs (read one by one).
    init(_ found: [FleetDiscovery.Found], listed: [String: Int], zohoIncomplete: Set<String> = [], inventory: Inventory, limits: Bool) {
        func account(_ name: String, _ requests: Int) -> Account {
            let budget = limits ? Self.budget(inventory.account(named: name)?.kind) : nil
            let windows = budget?.windows ?? []
            return Account(name: name, requests: requests, windows: windows,
                           seconds: Self.seconds(requests, windows, margin: budget?.margin ?? 0))
        }
        // Per domain: one zone read (Porkbun adds one when the zone has a
        // forward); the domain, its SMTP logins and its webhooks at Mailgun;
        // the domain at Zoho when its listing lacks the codes. Plus listings
        // (the routes at Mailgun: one page).
        let byRegistrar = Dictionary(grouping: found, by: \.registrar)
        registrars = byRegistrar.keys.sorted().map { name in
            let perPage = inventory.account(named: name)?.kind == .namecheap ? 100 : 1000
            let pages = max(1, ((listed[name] ?? 0) + perPage - 1) / perPage)
            return account(name, byRegistrar[name]!.count + 3 * pages)
        }
        let byMailgun = Dictionary(grouping: found, by: \.mailgun)
        let byZoho = Dictionary(grouping: found.filter { $0.zoho != nil }, by: { $0.zoho! })
        mail = byMailgun.keys.sorted().map { account($0, 3 * byMailgun[$0]!.count + 1) }
            + byZoho.keys.sorted().map { name in
                // The domain listing and, twice (observer and display names), the users
                // listing at 100 a page, taking about three mailboxes a domain.
                let domains = byZoho[name]!
                let userPages = max(1, (domains.count * 3 + 99) / 100)
                return account(name, 1 + 2 * userPages + domains.filter { zohoIncomplete.contains($0.name) }.count)
            }
    }

    /// The budget every client of this kind gets (`FleetProviders.build`).
    static func budget(_ kind: AccountKind?) -> RateBudget? {
        switch kind {
        case .porkbun: .porkbun()
        case .namecheap: .namecheap()
        case .mailgun: .mailgun()
        case .zoho: .zoho()
        case nil: nil
        }
    }

    /// When the last of `n` requests may go: the budget's own booking rule
    /// (each request takes the earliest slot every window allows), replayed.
    static func seconds(_ n: Int, _ windows: [RateWindow], margin: Double) -> Double {
        guard n > 0, !windows.isEmpty else { return 0 }
        var grants: [Double] = []
        grants.reserveCapacity(n)
        for _ in 0..<n {
            var slot = grants.last ?? 0
            for w in windows where grants.count >= w.limit { slot = max(slot, grants[grants.count - w.limit] + w.seconds + margin) }
            grants.append(slot)
        }
        return grants[n - 1]
    }

    /// `20/min, 700/h, 8000/day`
    static func rate(_ windows: [RateWindow]) -> String {
        guard !windows.isEmpty else { return "no limit" }
        return windows.map { w in
            let unit = switch w.seconds { case 1: "s"; case 60: "min"; case 3600: "h"; case 86400: "day"; default: "\(Int(w.seconds))s" }
            return "\(w.limit)/\(unit)"
        }.joined(separator: ", ")
    }

    /// `1 h 02 min`, `3 min 20 s`, `12 s`
    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded(.up))
        if t >= 3600 { return "\(t / 3600) h \(String(format: "%02d", (t % 3600) / 60)) min" }
        if t >= 60 { return "\(t / 60) min \(String(format: "%02d", t % 60)) s" }
        return "\(t) s"
    }

    var lines: [String] {
        var out: [String] = []
        for a in registrars + mail {
            out.append("  \(a.name): \(a.requests) requests at \(Self.rate(a.windows)): about \(Self.duration(a.seconds))")
        }
        if (registrars + mail).allSatisfy({ $0.windows.isEmpty }) {
            out.append("estimated time: no rate limits (lifted), as fast as the APIs answer")
        } else {
            out.append("estimated time: about \(Self.duration(seconds)) at the providers' rate limits "
                       + "(longer if other runs share the accounts' budgets)")
        }
        return out
    }
}
