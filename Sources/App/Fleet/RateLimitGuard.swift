import Foundation
import Inventory

/// Rate limits are only ever lifted for emulators on this machine
/// (`--no-rate-limits`, for tests and benchmarks).
public enum RateLimitGuard {
    /// Throws naming the first account whose API is not on loopback.
    public static func check(_ inventory: Inventory) throws(AppError) {
        if let real = inventory.sortedAccounts.first(where: { !isLoopback($0.endpoint) }) {
            throw AppError("--no-rate-limits is only for emulators: account \(real.name) does not point at 127.0.0.1")
        }
    }

    /// 127.0.0.1, localhost or ::1; no endpoint means the real API.
    public static func isLoopback(_ endpoint: String?) -> Bool {
        guard let host = endpoint.flatMap(URL.init(string:))?.host else { return false }
        return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
    }
}
