import Foundation
import Store

/// The plan as JSON: the complete plan file (`--out plans/NAME.json`,
/// `--format json`). Keys sorted, so equal plans give equal bytes.
public struct JSONRenderer: Sendable {
    public init() {}

    public func data(_ plan: Plan) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(plan) + Data("\n".utf8)
    }

    public func render(_ plan: Plan) throws -> String {
        String(decoding: try data(plan), as: UTF8.self)
    }
}

extension Plan {
    /// Writes the plan file atomically (creating its directory), 0600: a
    /// plan holds the fleet's addresses (`PrivateFiles`).
    public func save(to path: String) throws {
        try PrivateFiles.write(try JSONRenderer().data(self), to: path)
    }

    /// Reads a plan file; a malformed file is an error naming the path.
    public static func load(from path: String) throws -> Plan {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PlanFileError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(Plan.self, from: data) } catch let e as PlanError {
            throw PlanFileError(path: path, reason: e.description)
        } catch {
            throw PlanFileError(path: path, reason: "not a plan file: \(error)")
        }
    }
}

public struct PlanFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
