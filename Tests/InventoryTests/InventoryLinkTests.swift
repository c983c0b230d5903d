import Foundation
import Glibc
import Inventory
import Testing

/// Symbolic links, special files and limits in the inventory directory: the
/// inventory never reads outside its root, never twice, never unbounded.
@Suite struct InventoryLinkTests {
    /// A copy of `valid/minimal` in a fresh directory (inventory at `<tmp>/inv`).
    func makeInventory() throws -> (tmp: String, inv: String) {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.root + "/valid/minimal", toPath: tmp + "/inv")
        return (tmp, tmp + "/inv")
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    func errors(_ inv: String, _ loader: InventoryLoader = InventoryLoader()) -> [String] {
        Fixtures.load("", loader: loader, directory: inv).errors
    }

    @Test func linkToAFileOutsideIsRefusedAndNothingOfItIsShown() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try "prod_token_canary: hunter2\naccounts: { x: 1 }\n".write(toFile: tmp + "/outside.yaml", atomically: true, encoding: .utf8)
        try link(inv + "/groups/g2.yaml", to: tmp + "/outside.yaml")
        try link(inv + "/outside-dir", to: tmp)
        let e = errors(inv)
        #expect(e == [
            "groups/g2.yaml:1:1: file: symbolic link leads outside the inventory directory: refused (links may only point inside it)",
            "outside-dir:1:1: file: symbolic link leads outside the inventory directory: refused (links may only point inside it)",
        ])
        #expect(!e.joined().contains("canary") && !e.joined().contains(tmp + "/outside"))
    }

    @Test func linksBackToTheRootAreOneErrorEach() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for i in 1...3 { try link(inv + "/groups/s\(i)", to: ".") }
        try link(inv + "/groups/up", to: "..")
        #expect(errors(inv) == [
            "groups/s1:1:1: file: symbolic link to groups, which is already read: loops and second readings are refused",
            "groups/s2:1:1: file: symbolic link to groups, which is already read: loops and second readings are refused",
            "groups/s3:1:1: file: symbolic link to groups, which is already read: loops and second readings are refused",
            "groups/up:1:1: file: symbolic link to the inventory directory itself, which is already read: loops and second readings are refused",
        ])
    }

    @Test func aCycleOfLinksAndADanglingLinkAreErrors() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try link(inv + "/a.yaml", to: "b.yaml")
        try link(inv + "/b.yaml", to: "a.yaml")
        try link(inv + "/gone.yaml", to: "nowhere.yaml")
        #expect(errors(inv) == [
            "a.yaml:1:1: file: symbolic link that does not resolve (dangling, or a cycle of links)",
            "b.yaml:1:1: file: symbolic link that does not resolve (dangling, or a cycle of links)",
            "gone.yaml:1:1: file: symbolic link that does not resolve (dangling, or a cycle of links)",
        ])
    }

    @Test func sizeAndTypeApplyToWhatTheLinkLeadsTo() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // A 2 GiB sparse file, hidden from the walk, reached through a link: refused unread.
        try FileManager.default.createDirectory(atPath: inv + "/.data", withIntermediateDirectories: true)
        let fd = open(inv + "/.data/sparse", O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0 && ftruncate(fd, 2 << 30) == 0)
        close(fd)
        try link(inv + "/big.yaml", to: ".data/sparse")
        // A FIFO would block a plain read forever.
        #expect(mkfifo(inv + "/pipe.yaml", 0o600) == 0)
        #expect(mkfifo(inv + "/.data/fifo", 0o600) == 0)
        try link(inv + "/pipe-link.yaml", to: ".data/fifo")
        #expect(errors(inv) == [
            "big.yaml:1:1: file: file is larger than 64 MiB",
            "pipe-link.yaml:1:1: file: not a regular file (devices, FIFOs and sockets are never read)",
            "pipe.yaml:1:1: file: not a regular file (devices, FIFOs and sockets are never read)",
        ])
    }

    @Test func linksInsideTheRootAreFollowed() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // The group file lives in a hidden directory; a file link and a directory link reach it.
        try FileManager.default.createDirectory(atPath: inv + "/.shared/more", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: inv + "/groups/g1.yaml", toPath: inv + "/.shared/g1.yaml")
        try link(inv + "/groups/g1.yaml", to: "../.shared/g1.yaml")
        try """
        group: g2
        pool: mailgun-us
        domains:
          - { name: beta-mail.com, registrar: porkbun, warmup: { schedule: standard, started: 2026-11-02 }, mailboxes: [carol] }
        """.write(toFile: inv + "/.shared/more/g2.yaml", atomically: true, encoding: .utf8)
        try link(inv + "/extra", to: ".shared/more")
        let r = try InventoryLoader().load(directory: inv)
        #expect(r.inventory.groups.map(\.name).sorted() == ["g1", "g2"])
        #expect(r.inventory.files.map { $0.replacingOccurrences(of: inv + "/", with: "") } == ["extra/g2.yaml", "fleet.yaml", "groups/g1.yaml"])
    }

    @Test func aSecondNameOfAFileIsRefusedAtTheLink() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try link(inv + "/a-copy.yaml", to: "groups/g1.yaml")
        #expect(errors(inv) == [
            "a-copy.yaml:1:1: file: symbolic link to groups/g1.yaml, which is already read: every file is read once",
        ])
    }

    @Test func depthAndFileCountAreBounded() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let deep = (1...17).map { "d\($0)" }.joined(separator: "/")
        try FileManager.default.createDirectory(atPath: inv + "/" + deep, withIntermediateDirectories: true)
        try "x-a: 1\n".write(toFile: inv + "/" + deep + "/deep.yaml", atomically: true, encoding: .utf8)
        #expect(errors(inv) == ["\(deep):1:1: file: directory nested deeper than 16 levels: not read"])
    }

    @Test func controlCharactersInAFileNameAreRefusedEscaped() throws {
        let (tmp, inv) = try makeInventory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try "x-a: 1\n".write(toFile: inv + "/red\u{1B}[31m.yaml", atomically: true, encoding: .utf8)
        let e = errors(inv)
        #expect(e == ["red\\u{1B}[31m.yaml:1:1: file: name holds control character U+001B (ESC): not read"])
    }
}
