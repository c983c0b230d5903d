import Testing
@testable import Inventory

/// The inventory's `state:` key: a file path or a PostgreSQL URL, never one
/// carrying a password (the inventory lives in git).
@Suite struct StateKeyInventoryTests {
    static func load(_ state: String, extra: [(file: String, text: String)] = []) throws(InventoryError) -> Inventory {
        try InventoryLoader().load(files: [("fleet.yaml", "state: " + state + "\n" + DesiredStateCompilerTests.fleet),
                                           ("g1.yaml", DesiredStateCompilerTests.group)] + extra).inventory
    }

    static func errors(_ state: String, extra: [(file: String, text: String)] = []) -> [String] {
        do { _ = try load(state, extra: extra); return [] } catch { return error.errors.map(\.description) }
    }

    @Test func aPathOrAURLIsKept() throws {
        #expect(try Self.load("ci/state.sqlite").state == "ci/state.sqlite")
        #expect(try Self.load("postgres://reconcile@db.internal:5432/reconcile?sslmode=require").state
                == "postgres://reconcile@db.internal:5432/reconcile?sslmode=require")
        #expect(try InventoryLoader().load(files: [("fleet.yaml", DesiredStateCompilerTests.fleet),
                                                  ("g1.yaml", DesiredStateCompilerTests.group)]).inventory.state == nil)
    }

    @Test func aPasswordIsRefusedAtTheKeyAndNeverRepeated() {
        for url in ["postgres://reconcile:s3cr3t-pw@db.internal:5432/reconcile", "postgresql://reconcile@db/reconcile?password=s3cr3t-pw"] {
            let errors = Self.errors(url)
            #expect(errors == ["fleet.yaml:1:8: state: a password does not belong in the inventory: put it in PGPASSWORD or ~/.pgpass "
                               + "(expected postgres://USER@HOST:PORT/DB)"], "\(errors)")
            #expect(!errors.joined().contains("s3cr3t-pw"))
        }
    }

    @Test func otherBadValuesAreLocated() {
        #expect(Self.errors("[a, b]") == ["fleet.yaml:1:8: state: expected a string, found a sequence"])
        #expect(Self.errors("\"\"") == ["fleet.yaml:1:8: state: must not be empty"])
        #expect(Self.errors("postgres://db.internal") == ["fleet.yaml:1:8: state: not a PostgreSQL URL (expected postgres://USER@HOST:PORT/DB)"])
        let twice = Self.errors("a.sqlite", extra: [("more.yaml", "state: b.sqlite\n")])
        #expect(twice.count == 1 && twice[0].hasPrefix("more.yaml:1:8: state: 'state' is defined twice (first at fleet.yaml:1:8)"), "\(twice)")
    }
}
