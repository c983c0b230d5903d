/// Replaces known secret values with `[redacted]`. The CLI builds one from
/// the resolved `env:NAME` values of the inventory's accounts and hands
/// `redactor.redact` to the executor.
public struct SecretRedactor: Sendable {
    let secrets: [String]

    /// Secrets shorter than 6 characters are ignored: replacing them would
    /// mangle ordinary text, and no provider key is that short.
    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 6 })).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}

import Foundation
