import Store

/// Consecutive failures per endpoint and condition, and per login, turned
/// into alert changes: a condition opens after `alertAfter` failures in a
/// row and clears when a probe gets past that stage again. Keys name the
/// endpoint and the condition only, so a storm of refused logins is one
/// alert per endpoint; the store never repeats an open one.
public struct ProbeTracker: Sendable {
    public let alertAfter: Int
    /// Per target id: rounds in a row that ended at `down` / at `tls`.
    private var stalls: [String: [ProbeCondition: Int]] = [:]
    /// Per target id, per user: refusals in a row and the last reason.
    private var refusals: [String: [String: (count: Int, detail: String)]] = [:]
    /// Per target id: where the next round's fresh logins start.
    private var cursor: [String: Int] = [:]

    public init(alertAfter: Int) { self.alertAfter = max(1, alertAfter) }

    public static func key(_ target: ProbeTarget, _ condition: ProbeCondition) -> String { "probe:\(target.id):\(condition.rawValue)" }

    /// The logins to try this round: those refused last time first (so N
    /// refusals take N rounds), then the next `perRound` in turn (so every
    /// credential set is tried, a few at a time); never more than 2 × `perRound`.
    public mutating func pick(_ target: ProbeTarget, perRound: Int) -> [ProbeLogin] {
        let failing = refusals[target.id] ?? [:]
        var picked = Array(target.logins.filter { failing[$0.username] != nil }.prefix(perRound))
        guard !target.logins.isEmpty else { return [] }
        let start = (cursor[target.id] ?? 0) % target.logins.count
        var taken = 0, i = start
        while taken < min(perRound, target.logins.count) {
            let login = target.logins[i]
            if !picked.contains(login) { picked.append(login) }
            taken += 1
            i = (i + 1) % target.logins.count
        }
        cursor[target.id] = i
        return picked
    }

    /// Records one round of one target (each login tried with its outcome)
    /// and returns the condition changes it implies, for the alert store.
    public mutating func record(_ target: ProbeTarget, _ results: [(login: ProbeLogin, outcome: ProbeOutcome)]) -> [AlertChange] {
        guard !results.isEmpty else { return [] }
        // The furthest any handshake got: a refused login still proves the endpoint up and its TLS sound.
        let reached = results.map { $0.outcome.failure?.condition ?? .login }.max()!
        let firstDetail = { (c: ProbeCondition) in results.compactMap { $0.outcome.failure }.first { $0.condition == c }?.detail ?? "" }
        var changes: [AlertChange] = []
        var counts = stalls[target.id] ?? [:]
        for stage in [ProbeCondition.down, .tls] {
            if reached == stage { counts[stage, default: 0] += 1 } else if reached > stage { counts[stage] = 0 }
            let n = counts[stage] ?? 0
            if n >= alertAfter {
                changes.append(.open(key: Self.key(target, stage), summary: Self.openText(target, stage, n, firstDetail(stage))))
            } else if reached > stage {
                changes.append(.clear(key: Self.key(target, stage), summary: Self.clearText(target, stage)))
            }
        }
        stalls[target.id] = counts
        guard reached == .login else { return changes }
        var users = refusals[target.id] ?? [:]
        for (login, outcome) in results {
            if let f = outcome.failure, f.condition == .login {
                users[login.username] = ((users[login.username]?.count ?? 0) + 1, f.detail)
            } else if outcome.failure == nil {
                users[login.username] = nil
            }
        }
        refusals[target.id] = users
        let refused = users.filter { $0.value.count >= alertAfter }.sorted { $0.key < $1.key }
        if refused.isEmpty {
            changes.append(.clear(key: Self.key(target, .login), summary: Self.clearText(target, .login)))
        } else {
            let names = refused.prefix(5).map { $0.key }.joined(separator: ", ") + (refused.count > 5 ? " and \(refused.count - 5) more" : "")
            changes.append(.open(key: Self.key(target, .login),
                                 summary: "probe: \(target.title): login refused \(refused[0].value.count) times in a row for \(names): \(refused[0].value.detail)"))
        }
        return changes
    }

    /// Rounds in a row the endpoint has failed at `condition` (`down`, `tls`), or the longest run of refusals of one login.
    public func consecutive(_ target: ProbeTarget, _ condition: ProbeCondition) -> Int {
        condition == .login ? (refusals[target.id]?.values.map(\.count).max() ?? 0) : (stalls[target.id]?[condition] ?? 0)
    }

    static func openText(_ t: ProbeTarget, _ c: ProbeCondition, _ n: Int, _ detail: String) -> String {
        let what = c == .down ? "unreachable" : "TLS failed"
        return "probe: \(t.title): \(what) \(n) times in a row: \(detail)"
    }

    static func clearText(_ t: ProbeTarget, _ c: ProbeCondition) -> String {
        switch c {
        case .down: "probe: \(t.title): reachable again"
        case .tls: "probe: \(t.title): TLS works again"
        case .login: "probe: \(t.title): every login probed works again"
        }
    }
}
