import Foundation
import Store

/// A real state file in a fresh temporary directory.
struct TempStore {
    let dir: URL
    var path: String { dir.appendingPathComponent("state.sqlite").path }

    init() {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("reconciler-tests-\(UUID().uuidString)")
    }

    func open() throws -> StateStore { try StateStore(path: path) }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}
