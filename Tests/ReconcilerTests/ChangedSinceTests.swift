import Foundation
import Inventory
import Reconciler
import Testing

/// `--changed-since`: a real git repository in a temporary directory, holding a
/// copy of the repository's example inventory, committed and edited.
@Suite struct ChangedSinceTests {
    static let allDomains: Set<String> = ["acme-mail.com", "acme-mail.de", "acme-outreach.net", "acmehq.eu", "getacme.io", "try-acme.eu"]

    @Test func oneEditedRecordScopesToItsDomain() async throws {
        let repo = try await GitRepo.withExampleInventory()
        defer { repo.remove() }
        let head = try await repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.edit("inventory/groups/eu-outreach.yaml", #"'0 issue "letsencrypt.org"'"#, #"'0 issue "pki.goog"'"#)

        let scope = try await ChangedSince().scope(ref: "main", inventoryDirectory: repo.inventory)
        #expect(scope.changed == ["try-acme.eu"])
        #expect(scope.unchanged == Self.allDomains.subtracting(["try-acme.eu"]))
        #expect(scope.notRead == Self.allDomains.subtracting(["try-acme.eu"]).sorted())
        #expect(scope.removed.isEmpty)
        #expect(scope.fallback == nil)
        #expect(scope.commit == head)
        #expect(scope.observes("TRY-ACME.EU"))
        #expect(!scope.observes("acme-mail.com"))
    }

    @Test func defaultTTLChangeScopesToEveryDomain() async throws {
        let repo = try await GitRepo.withExampleInventory()
        defer { repo.remove() }
        try repo.edit("inventory/fleet.yaml", "  ttl: 3600 ", "  ttl: 1800 ")
        let scope = try await ChangedSince().scope(ref: "HEAD", inventoryDirectory: repo.inventory)
        #expect(scope.changed == Self.allDomains)
        #expect(scope.unchanged.isEmpty)
        #expect(scope.fallback == nil)
    }

    @Test func addedDomainIsTheOnlyOneInScopeAndRemovedOnesAreListed() async throws {
        let repo = try await GitRepo.withExampleInventory()
        defer { repo.remove() }
        try repo.edit("inventory/groups/us-outreach.yaml", "  - name: getacme.io\n", """
              - name: acme-new.com
                registrar: porkbun
                mailboxes: [frank]

              - name: getacme.io

            """)
        let added = try await ChangedSince().scope(ref: "main", inventoryDirectory: repo.inventory)
        #expect(added.changed == ["acme-new.com"])
        #expect(added.unchanged == Self.allDomains)

        // Committed, then the domain is dropped again: against HEAD it is "removed",
        // against HEAD~1 (before it existed) nothing differs.
        try await repo.commitAll("add acme-new.com")
        try repo.restoreExample("inventory/groups/us-outreach.yaml")
        let removed = try await ChangedSince().scope(ref: "HEAD", inventoryDirectory: repo.inventory)
        #expect(removed.removed == ["acme-new.com"])
        #expect(removed.changed.isEmpty)
        let before = try await ChangedSince().scope(ref: "HEAD~1", inventoryDirectory: repo.inventory)
        #expect(before.changed.isEmpty && before.removed.isEmpty)
        #expect(before.unchanged == Self.allDomains)
    }

    @Test func inventoryAbsentAtTheRefMeansEverythingChanged() async throws {
        let repo = try GitRepo()
        defer { repo.remove() }
        try await repo.initialise()
        try "notes\n".write(toFile: repo.root + "/README", atomically: true, encoding: .utf8)
        try await repo.commitAll("no inventory yet")
        try repo.copyExampleInventory()
        let scope = try await ChangedSince().scope(ref: "main", inventoryDirectory: repo.inventory)
        #expect(scope.changed == Self.allDomains)
        #expect(scope.fallback?.contains("inventory has no *.yaml files at main") == true)
    }

    @Test func brokenInventoryAtTheRefMeansEverythingChangedWithTheReason() async throws {
        let repo = try await GitRepo.withExampleInventory()
        defer { repo.remove() }
        try repo.edit("inventory/groups/us-outreach.yaml", "    registrar: namecheap\n", "    registrar: nosuchaccount\n")
        try await repo.commitAll("broken")
        try repo.restoreExample("inventory/groups/us-outreach.yaml")
        let scope = try await ChangedSince().scope(ref: "HEAD", inventoryDirectory: repo.inventory)
        #expect(scope.changed == Self.allDomains)
        let reason = try #require(scope.fallback)
        #expect(reason.contains("the inventory at HEAD does not load"))
        #expect(reason.contains("HEAD:inventory/groups/us-outreach.yaml"))   // names the file at the ref
        #expect(reason.contains("nosuchaccount"))
    }

    @Test func unknownRefIsAClearErrorWithGitsMessage() async throws {
        let repo = try await GitRepo.withExampleInventory()
        defer { repo.remove() }
        let e = await #expect(throws: ChangedSinceError.self) {
            try await ChangedSince().scope(ref: "origin/nope", inventoryDirectory: repo.inventory)
        }
        #expect(e?.kind == .unknownRef)
        #expect(e?.description.contains("unknown git ref 'origin/nope'") == true)
        #expect(e?.description.contains("bad revision") == true)   // git's own words
        let option = await #expect(throws: ChangedSinceError.self) {
            try await ChangedSince().scope(ref: "--output=/tmp/x", inventoryDirectory: repo.inventory)
        }
        #expect(option?.kind == .unknownRef)
    }

    @Test func directoryOutsideAnyRepositoryIsAClearError() async throws {
        let repo = try GitRepo()   // a directory, never `git init`-ed
        defer { repo.remove() }
        try repo.copyExampleInventory()
        let e = await #expect(throws: ChangedSinceError.self) {
            try await ChangedSince().scope(ref: "main", inventoryDirectory: repo.inventory)
        }
        #expect(e?.kind == .notARepository)
        #expect(e?.description.contains("not a git repository") == true)
        #expect(e?.description.contains(repo.inventory) == true)
    }

    @Test func inventoryAtTheRepositoryRootWorksToo() async throws {
        // The inventory directory is the work tree itself (prefix ""); a hidden
        // directory and a non-yaml file in it are ignored as the loader ignores them.
        let repo = try GitRepo()
        defer { repo.remove() }
        try repo.copyExampleInventory(into: repo.root)
        try FileManager.default.createDirectory(atPath: repo.root + "/.hidden", withIntermediateDirectories: true)
        try "not: [yaml".write(toFile: repo.root + "/.hidden/x.yaml", atomically: true, encoding: .utf8)
        try "# notes".write(toFile: repo.root + "/notes.md", atomically: true, encoding: .utf8)
        try await repo.initialise()
        try await repo.commitAll("inventory at the root")
        try repo.edit("groups/us-outreach.yaml", "mailboxes: [carol, dave]", "mailboxes: [carol, dave, eve]")
        let scope = try await ChangedSince().scope(ref: "main", inventoryDirectory: repo.root)
        #expect(scope.changed == ["acme-outreach.net"])
        #expect(scope.fallback == nil)
    }
}

/// A throwaway git repository; git runs off the cooperative pool.
struct GitRepo {
    let root: String
    var inventory: String { root + "/inventory" }

    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("inventory").path

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("changed-since-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    static func withExampleInventory() async throws -> GitRepo {
        let repo = try GitRepo()
        try await repo.initialise()
        try repo.copyExampleInventory()
        try await repo.commitAll("example inventory")
        return repo
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func initialise() async throws { _ = try await git("init", "-q", "-b", "main") }

    func copyExampleInventory(into dir: String? = nil) throws {
        let target = dir ?? inventory
        for rel in ["fleet.yaml", "groups/eu-outreach.yaml", "groups/us-outreach.yaml"] {
            let to = target + "/" + rel
            try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: Self.example + "/" + rel, toPath: to)
        }
    }

    func restoreExample(_ rel: String) throws {
        let name = rel.hasPrefix("inventory/") ? String(rel.dropFirst("inventory/".count)) : rel
        try? FileManager.default.removeItem(atPath: root + "/" + rel)
        try FileManager.default.copyItem(atPath: Self.example + "/" + name, toPath: root + "/" + rel)
    }

    /// Replaces the single occurrence of `old` in `rel`.
    func edit(_ rel: String, _ old: String, _ new: String) throws {
        let path = root + "/" + rel
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.components(separatedBy: old).count == 2 else { throw GitRepoError(message: "'\(old)' is not once in \(rel)") }
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func commitAll(_ message: String) async throws {
        _ = try await git("add", "-A")
        _ = try await git("-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                          "commit", "-q", "-m", message)
    }

    @discardableResult
    func git(_ args: String...) async throws -> String {
        let root = root
        return try await withCheckedThrowingContinuation { cont in
            DispatchQueue(label: "test.git").async {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["git", "-C", root] + args
                let out = Pipe()
                p.standardOutput = out
                p.standardError = out
                do {
                    try p.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    let text = String(decoding: data, as: UTF8.self)
                    if p.terminationStatus == 0 { cont.resume(returning: text) }
                    else { cont.resume(throwing: GitRepoError(message: "git \(args.joined(separator: " ")): \(text)")) }
                } catch { cont.resume(throwing: error) }
            }
        }
    }
}

struct GitRepoError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
