import Foundation

/// A reference to a secret held outside the inventory (`env:NAME`).
///
/// The inventory never holds secret values: a literal is a load error. The
/// value is resolved only at the moment a provider call needs it, and the
/// reference is what plans, logs and errors print.
public struct SecretRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The environment variable name (`PORKBUN_API_KEY`).
    public var name: String
    public var location: SourceLocation

    public init(env name: String, location: SourceLocation = .builtIn) {
        self.name = name
        self.location = location
    }

    /// Parses `env:NAME`; NAME is a POSIX environment variable name.
    public static func parse(_ text: String) -> SecretRef? {
        guard text.hasPrefix("env:") else { return nil }
        let name = text.dropFirst(4)
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
              name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else { return nil }
        return SecretRef(env: String(name))
    }

    /// The secret's value from an environment, or nil when unset or empty.
    public func resolve(in environment: [String: String]) -> String? {
        guard let v = environment[name], !v.isEmpty else { return nil }
        return v
    }

    public var description: String { "env:\(name)" }

    // Equality ignores where the reference was written.
    public static func == (a: SecretRef, b: SecretRef) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }
}

/// Why a secret reference gave no value. Names the reference, never a value.
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

extension SecretRef {
    /// The value behind reference text (`env:NAME`), as the Sender's fleet
    /// JSON carries it; a literal is refused, an unset variable is named.
    public static func resolve(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(SecretError) -> String {
        guard let ref = parse(text) else {
            throw SecretError(description: "secret must be an env:NAME reference, not a literal value")
        }
        guard let value = ref.resolve(in: environment) else {
            throw SecretError(description: "environment variable \(ref.name) (referenced as \(ref)) is not set")
        }
        return value
    }
}
