import Foundation
import Inventory
import Providers
import Testing
import TestSupport

/// `reconcile export mailboxes` through the real binary on the example
/// inventory, and the round trip: the exported rows log in to a real SMTP
/// server (aiosmtpd) and a real IMAP server (Dovecot) configured as apply
/// configures Mailgun and Zoho.
@Suite(.serialized) struct MailboxExportBinaryTests {
    static let canary = "CANARY-export-master-4d1c"
    static let inventory = ReconcileBinary.repositoryRoot.appendingPathComponent("inventory").path

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    func run(_ args: [String], in dir: URL, master: String? = canary) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ReconcileBinary.path)
        p.arguments = ["export", "mailboxes", "--inventory", Self.inventory] + args
        p.currentDirectoryURL = dir
        p.environment = ["PATH": "/usr/bin:/bin"].merging(master.map { ["SMTP_MASTER_SECRET": $0] } ?? [:]) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// RFC 4180 rows (quoted cells may hold commas and doubled quotes).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var chars = Array(text).makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { cell.append("\"") } else { quoted = false; if n == "," { row.append(cell); cell = "" } else if n == "\r\n" || n == "\n" { row.append(cell); rows.append(row); row = []; cell = "" } }
                    } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(cell); cell = "" }
            else if c == "\r\n" || c == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(c) }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }

    static func activeMailboxes() throws -> [String] {
        let inv = try InventoryLoader().load(directory: inventory).inventory
        return inv.mailboxes.filter { $0.domain.role == .active }.map(\.address).sorted()
    }

    @Test func withoutSecretsEveryColumnButThePasswordsIsFilledInInstantlysFormat() throws {
        let dir = try temporaryDirectory()
        let r = try run(["--format", "instantly", "--out", "boxes.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("passwords left out"))
        let file = dir.appendingPathComponent("boxes.csv").path
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let rows = Self.parseCSV(try String(contentsOfFile: file, encoding: .utf8))
        #expect(rows.first == ["Email", "First Name", "Last Name", "IMAP Username", "IMAP Password", "IMAP Host", "IMAP Port",
                               "SMTP Username", "SMTP Password", "SMTP Host", "SMTP Port", "Daily Limit", "Warmup Enabled",
                               "Warmup Limit", "Warmup Increment"])
        let body = rows.dropFirst()
        #expect(body.map { $0[0] }.sorted() == (try Self.activeMailboxes()))
        #expect(body.allSatisfy { $0.count == 15 && $0[4].isEmpty && $0[8].isEmpty && $0[12] == "FALSE" })
        let anna = try #require(body.first { $0[0] == "anna@acme-mail.de" })
        #expect(anna[1] == "Anna" && anna[2] == "Becker")
        #expect(anna[5] == "imappro.zoho.eu" && anna[6] == "993" && anna[9] == "smtp.eu.mailgun.org" && anna[10] == "587")
        // A routed domain has no inbox to read.
        let lena = try #require(body.first { $0[0] == "lena@acmehq.eu" })
        #expect(lena[3].isEmpty && lena[5].isEmpty && lena[6].isEmpty)
    }

    @Test func secretsGoOnlyToAFileAndAreRefusedOnStandardOutput() throws {
        let dir = try temporaryDirectory()
        let refused = try run(["--include-secrets", "--out", "-"], in: dir)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("to a file only"))
        let missing = try run(["--include-secrets", "--out", "x.csv"], in: dir, master: nil)
        #expect(missing.status == 0)
        #expect(missing.stderr.contains("env:SMTP_MASTER_SECRET is not set"))
        let badGroup = try run(["--group", "nope", "--out", "y.csv"], in: dir)
        #expect(badGroup.status == 1)
        #expect(badGroup.stderr.contains("no group 'nope'"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.csv").path))
    }

    @Test func exportedCredentialsLogInToRealSMTPAndIMAPServers() throws {
        let dir = try temporaryDirectory()
        let r = try run(["--format", "smartlead", "--include-secrets", "--out", "boxes.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(Self.canary))
        let rows = Self.parseCSV(try String(contentsOfFile: dir.appendingPathComponent("boxes.csv").path, encoding: .utf8))
        let header = try #require(rows.first)
        #expect(header == ["from_name", "from_email", "user_name", "password", "smtp_host", "smtp_port", "imap_host", "imap_port",
                           "max_email_per_day", "custom_tracking_url", "warmup_enabled", "total_warmup_per_day", "daily_rampup",
                           "reply_rate_percentage", "bcc", "signature", "different_reply_to_address", "imap_user_name", "imap_password"])
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let anna = try #require(rows.first { $0[col["from_email"]!] == "anna@acme-mail.de" })
        #expect(!(r.stdout + r.stderr).contains(anna[col["password"]!]))
        #expect(anna[col["password"]!] != anna[col["imap_password"]!])

        // The servers know the passwords apply set (derived from the master secret), not the CSV.
        let derive = SMTPPasswordDeriver(masterSecret: Self.canary)
        let smtp = try SMTPTestServer(user: "anna@acme-mail.de", password: derive.password(for: "anna@acme-mail.de", version: 1))
        defer { smtp.stop() }
        let sent = try curl(["--ssl-reqd", "--cacert", smtp.cert.path, "smtp://127.0.0.1:\(smtp.port)",
                             "--user", "\(anna[col["user_name"]!]):\(anna[col["password"]!])",
                             "--mail-from", "anna@acme-mail.de", "--mail-rcpt", "someone@example.net", "--upload-file", "-"],
                            input: "Subject: export round trip\r\n\r\nhello\r\n")
        #expect(sent == 0)
        #expect(smtp.received().count == 1)

        let imap = try DovecotServer(users: ["anna@acme-mail.de": derive.zohoMailboxPassword(for: "anna@acme-mail.de")])
        defer { imap.stop() }
        let login = try curl(["--cacert", imap.caFile, "\(imap.url)/INBOX", "-X", "EXAMINE INBOX",
                              "--user", "\(anna[col["imap_user_name"]!]):\(anna[col["imap_password"]!])"])
        #expect(login == 0)
        let wrong = try curl(["--cacert", imap.caFile, "\(imap.url)/INBOX", "-X", "EXAMINE INBOX",
                              "--user", "anna@acme-mail.de:\(anna[col["password"]!])"])
        #expect(wrong == 67)   // CURLE_LOGIN_DENIED: the SMTP password is not the mailbox's
    }

    func curl(_ args: [String], input: String? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "--max-time", "20"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : pipe
        try p.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
