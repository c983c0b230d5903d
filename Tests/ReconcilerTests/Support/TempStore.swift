import Foundation
import Store
import TestSupport

/// A real state in a fresh place: a file in a new temporary directory, or a
/// new database on the test process's PostgreSQL cluster. `open()` again is
/// the next process (or the next CI runner) on the same state.
struct TempStore {
    enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
        case sqlite, postgres
        var description: String { rawValue }
    }

    let dir: URL
    let location: StateLocation
    var path: String { dir.appendingPathComponent("state.sqlite").path }

    init() {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("reconciler-tests-\(UUID().uuidString)")
        location = .file(dir.appendingPathComponent("state.sqlite").path)
    }

    init(_ backend: Backend) throws {
        let file = TempStore()
        dir = file.dir
        location = backend == .postgres ? .postgres(try PostgresServer.freshDatabase()) : file.location
    }

    func open() throws -> StateStore { try StateStore(location: location) }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}
