import Foundation
import Store
import TestSupport
import Testing

/// The libpq layer against a real PostgreSQL (a private cluster on loopback).
@Suite struct PostgresConnectionTests {
    @Test func parametersRoundTripEveryTypeWithoutSplicing() throws {
        let c = try PostgresConnection(url: try PostgresServer.freshDatabase())
        try c.query("CREATE TABLE t (s TEXT, i BIGINT, d DOUBLE PRECISION, b BYTEA, n TEXT)")
        let bytes = Data([0, 1, 0x7f, 0x80, 0xff])
        let tricky = "it's \"quoted\"; DROP TABLE t; -- é 🙂"
        try c.query("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", [tricky, Int64.max, 0.1 + 0.2, bytes, PostgresValue.null])
        try c.query("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", ["inf", -1, -Double.infinity, Data(), "x"])
        let rows = try c.rows("SELECT * FROM t ORDER BY i DESC")
        #expect(rows.count == 2)
        #expect(rows[0].string("s") == tricky)
        #expect(rows[0].int64("i") == Int64.max)
        #expect(rows[0].double("d") == 0.1 + 0.2)
        #expect(rows[0].data("b") == bytes)
        #expect(rows[0].string("n") == nil)
        #expect(rows[1].double("d") == -.infinity)
        #expect(rows[1].data("b") == Data())
        #expect(try c.query("UPDATE t SET n = 'y'").affected == 2)
    }

    @Test func aFailedTransactionLeavesNothingAndNamesTheSQLState() throws {
        let db = try PostgresDatabase(url: try PostgresServer.freshDatabase())
        try db.transaction { try $0.query("CREATE TABLE u (k TEXT PRIMARY KEY)") }
        let error = #expect(throws: PostgresError.self) {
            try db.transaction { c in
                try c.query("INSERT INTO u VALUES ('a')")
                try c.query("INSERT INTO u VALUES ('a')")
            }
        }
        #expect(error?.isUniqueViolation == true)
        #expect(try db.withConnection { try $0.scalar("SELECT count(*) FROM u") } == "0")
    }

    @Test func migratingTwiceAndConcurrentlyAppliesEachStepOnce() async throws {
        let url = try PostgresServer.freshDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { try await offPool { _ = try StateStore(postgres: url) } } }
            try await group.waitForAll()
        }
        let c = try PostgresConnection(url: url)
        let ids = try c.rows("SELECT identifier FROM reconcile_schema_migrations").compactMap { $0[0] }
        #expect(ids.count == Set(ids).count)
        #expect(ids.contains("sending.5-domain-holds") && ids.contains("reconcile.4-lock") && ids.contains("shared.1-rate-ledger"))
    }

    @Test func aDatabaseFromANewerReconcileIsRefused() throws {
        let url = try PostgresServer.freshDatabase()
        _ = try StateStore(postgres: url)
        try PostgresConnection(url: url).query("INSERT INTO reconcile_schema_migrations VALUES ('sending.99-future', 0)")
        let error = #expect(throws: PostgresError.self) { try StateStore(postgres: url) }
        #expect(error.map { "\($0)".contains("sending.99-future") } == true)
    }

    @Test func aSessionAdvisoryLockEndsWithItsConnection() throws {
        let url = try PostgresServer.freshDatabase()
        var holder: PostgresConnection? = try PostgresConnection(url: url)
        let other = try PostgresConnection(url: url)
        #expect(try holder?.scalar("SELECT pg_try_advisory_lock(42)") == "t")
        #expect(try other.scalar("SELECT pg_try_advisory_lock(42)") == "f")
        holder = nil   // PQfinish: the server ends the session and its locks
        var taken = false
        for _ in 0..<50 where !taken {
            taken = try other.scalar("SELECT pg_try_advisory_lock(42)") == "t"
            if !taken { usleep(20_000) }
        }
        #expect(taken)
    }

    @Test func urlsCarryNoPasswordAndMessagesNoQuery() throws {
        #expect(throws: PostgresError.self) { try PostgresURL("postgres://me:secret@db.example:5432/state") }
        #expect(throws: PostgresError.self) { try PostgresURL("postgres://me@db.example/state?password=secret") }
        #expect(throws: PostgresError.self) { try PostgresURL("postgres://me@db.example:5432/") }
        let url = try PostgresURL("postgresql://me@db.example:5433/state?sslmode=require")
        #expect(url.redacted == "postgres://me@db.example:5433/state")
        #expect(try StateLocation("postgres://me@h/db").isPostgres)
        #expect(try StateLocation(".reconcile/state.sqlite") == .file(".reconcile/state.sqlite"))
        let env = ["RECONCILE_STATE": "postgres://ci@h/db"]
        #expect(try StateLocation.resolve(option: nil, environment: env, inventory: "x.sqlite", defaultPath: "d").isPostgres)
        #expect(try StateLocation.resolve(option: "a.sqlite", environment: env, defaultPath: "d") == .file("a.sqlite"))
        #expect(try StateLocation.resolve(option: nil, environment: [:], inventory: nil, defaultPath: "d") == .file("d"))
    }

    @Test func aRefusedConnectionSaysWhereWithoutSecrets() throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none")
        let error = #expect(throws: PostgresError.self) { try PostgresConnection(url: url) }
        #expect(error?.kind == .connection)
        #expect(error.map { "\($0)".contains("postgres://nobody@127.0.0.1:1/none") } == true)
    }
}
