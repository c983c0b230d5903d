/// How many actions of each operation a plan (or one domain of it) has.
public struct PlanCounts: Sendable, Hashable, Codable {
    public var create = 0, update = 0, delete = 0, verify = 0, wait = 0

    public init(_ actions: some Sequence<PlanAction>) {
        for a in actions {
            switch a.operation {
            case .create: create += 1
            case .update: update += 1
            case .delete: delete += 1
            case .verify: verify += 1
            case .wait: wait += 1
            }
        }
    }

    public var total: Int { create + update + delete + verify + wait }
    public var changes: Int { create + update + delete }

    /// `3 to create, 1 to update, 0 to delete, 2 to verify, 1 waiting`
    public var sentence: String {
        "\(create) to create, \(update) to update, \(delete) to delete, \(verify) to verify, \(wait) waiting"
    }
}

/// `1 domain`, `3 domains`.
func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
