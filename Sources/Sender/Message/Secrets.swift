import Foundation

/// Secrets are `env:NAME` references; only the name ever appears in errors.
public enum SecretReference {
    public static func resolve(_ reference: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard reference.hasPrefix("env:") else {
            throw SenderError.configuration("secret must be an env:NAME reference, not a literal value")
        }
        let name = String(reference.dropFirst(4))
        guard let v = environment[name], !v.isEmpty else {
            throw SenderError.configuration("environment variable \(name) (referenced as \(reference)) is not set")
        }
        return v
    }
}
