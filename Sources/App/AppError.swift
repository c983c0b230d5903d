/// A refusal meant for the operator: the CLI prints it as `error: …` and
/// exits 1.
public struct AppError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
