import Foundation
import Inventory
import Testing

/// `LoadResult.contentHash` is the hash of the bytes the loader parsed: the
/// same files hash the same wherever the directory is and however they are
/// handed in; any edit changes it.
@Suite struct ContentHashTests {
    @Test func sameFilesSameHashWhereverTheyLieAndAnEditChangesIt() throws {
        let original = Fixtures.repositoryInventory
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(atPath: original, toPath: copy.path)

        let here = try InventoryLoader().load(directory: original).contentHash
        #expect(here.count == 64 && here.allSatisfy(\.isHexDigit))
        #expect(try InventoryLoader().load(directory: copy.path + "/").contentHash == here)
        let files = try ["fleet.yaml", "groups/eu-outreach.yaml", "groups/us-outreach.yaml"].map {
            (file: $0, text: try String(contentsOfFile: original + "/" + $0, encoding: .utf8))
        }
        #expect(try InventoryLoader().load(files: files.reversed()).contentHash == here)
        #expect(try InventoryLoader().loadAndCompile(directory: original).contentHash == here)

        let fleet = copy.appendingPathComponent("fleet.yaml")
        try (try String(contentsOf: fleet, encoding: .utf8) + "\n# a comment changes the bytes\n").write(to: fleet, atomically: true, encoding: .utf8)
        #expect(try InventoryLoader().load(directory: copy.path).contentHash != here)
    }
}
