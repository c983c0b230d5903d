import Foundation
import Glibc
import Store
import Testing

/// The state file, its WAL and shared memory, and the other private files
/// are 0600 in 0700 directories (`PrivateFiles`).
@Suite struct StoreFileModeTests {
    func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o777 : nil
    }

    @Test func stateFileWALAndSHMArePrivateWhileOpen() throws {
        let t = TempStore()
        defer { t.remove() }
        var warnings: [String] = []
        let store = try StateStore(path: t.dir.path + "/nested/state.sqlite", warn: { warnings.append($0) })
        try SQLiteSendingStore(store).suppress(email: "a@example.net", reason: "test", source: nil, at: 1)
        // The pool is open: SQLite keeps -wal and -shm, made with the main file's mode.
        for suffix in ["", "-wal", "-shm"] {
            #expect(mode(store.path + suffix) == 0o600, "state.sqlite\(suffix)")
        }
        #expect(mode(t.dir.path) == 0o700 && mode(t.dir.path + "/nested") == 0o700)
        #expect(warnings.isEmpty)
    }

    @Test func anExposedExistingFileIsWarnedAboutAndAReplacedOneIsPrivate() throws {
        let t = TempStore()
        defer { t.remove() }
        try PrivateFiles.write(Data("v1".utf8), to: t.path)
        #expect(chmod(t.path, 0o644) == 0)
        var warnings: [String] = []
        try PrivateFiles.prepare(t.path, warn: { warnings.append($0) })
        #expect(warnings == ["warning: \(t.path) is accessible to other users (mode 0644) and holds credentials or recipient data: chmod 600 \(t.path)\n"])
        try PrivateFiles.write(Data("v2".utf8), to: t.path)
        #expect(mode(t.path) == 0o600)
        #expect(try String(contentsOfFile: t.path, encoding: .utf8) == "v2")
        // No temporary file is left next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.dir.path) == ["state.sqlite"])
    }

    @Test func targetsThatCannotBeFilesAreRefusedInWords() throws {
        let t = TempStore()
        defer { t.remove() }
        try PrivateFiles.write(Data("{}".utf8), to: t.dir.path + "/x.json")
        #expect(throws: PrivateFileError(path: t.dir.path, reason: "is a directory")) { try PrivateFiles.write(Data(), to: t.dir.path) }
        #expect(throws: PrivateFileError(path: t.dir.path + "/x.json/plan.json", reason: "a parent is not a directory (\(t.dir.path)/x.json)")) {
            try PrivateFiles.write(Data(), to: t.dir.path + "/x.json/plan.json")
        }
    }
}
