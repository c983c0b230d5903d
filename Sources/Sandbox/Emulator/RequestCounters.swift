/// Requests per endpoint, for tests and benchmarks: how many arrived, how many
/// were refused as throttled, how many got an injected fault.
public final class RequestCounters: Sendable {
    public struct Counts: Sendable, Codable, Equatable {
        public var requests = 0
        public var throttled = 0
        public var faults = 0
        public init() {}
    }

    private let table = Locked<[String: Counts]>([:])

    public init() {}

    public func recordRequest(_ endpoint: String) { table.withValue { $0[endpoint, default: Counts()].requests += 1 } }
    public func recordThrottled(_ endpoint: String) { table.withValue { $0[endpoint, default: Counts()].throttled += 1 } }
    public func recordFault(_ endpoint: String) { table.withValue { $0[endpoint, default: Counts()].faults += 1 } }

    public var snapshot: [String: Counts] { table.value }
    public func requests(_ endpoint: String) -> Int { table.value[endpoint]?.requests ?? 0 }
    public func throttled(_ endpoint: String) -> Int { table.value[endpoint]?.throttled ?? 0 }
    public var totalRequests: Int { table.value.values.reduce(0) { $0 + $1.requests } }
    public var totalThrottled: Int { table.value.values.reduce(0) { $0 + $1.throttled } }
    public var totalFaults: Int { table.value.values.reduce(0) { $0 + $1.faults } }
    public func reset() { table.value = [:] }
}
