import Foundation
import Inventory
import Providers
import Store

/// One mailbox as a sequencer (Instantly, Smartlead, lemlist…) imports it:
/// SMTP through its group's Mailgun pool, IMAP on its Zoho inbox where the
/// domain has one, and today's warmup cap as the daily limit.
public struct MailboxExportRow: Sendable, Equatable {
    public enum State: String, Sendable { case active, spare, retired, disabled }

    public var address: String
    public var displayName: String
    public var group: String
    public var domain: String
    public var state: State
    public var dailyLimit: Int
    public var smtpHost: String
    public var smtpPort = 587
    public var smtpSecurity = "starttls"
    /// The SMTP login apply created (the address); the password only with secrets.
    public var smtpPassword: String?
    public var imapHost: String?
    public var imapPort: Int?
    public var imapSecurity: String?
    public var imapPassword: String?
    /// Why a column is empty (no inbox, a secret not set, passwords left out).
    public var notes: [String] = []
}

/// The rows of `reconcile export mailboxes`, and their CSV in each tool's columns.
public enum MailboxExport {
    public enum Format: String, Sendable, CaseIterable {
        /// Self-explaining headers, every field, a `note` column.
        case csv
        /// Instantly's bulk import (also read by most tools that import "Instantly CSV").
        case instantly
        /// Smartlead's bulk upload template.
        case smartlead
    }

    public struct Filter: Sendable {
        public var group: String?
        public var domain: String?
        /// Spares, retired and disabled mailboxes too.
        public var all = false
        public init(group: String? = nil, domain: String? = nil, all: Bool = false) {
            self.group = group; self.domain = domain; self.all = all
        }
    }

    public struct UnknownName: Error, CustomStringConvertible {
        public var description: String
    }

    /// `environment` resolves the master secrets only when passwords are
    /// wanted (`includeSecrets`); `health` (from the state, when one exists)
    /// marks disabled mailboxes.
    public static func rows(inventory: Inventory, filter: Filter, on date: CalendarDate,
                            health: [String: MailboxHealthRecord] = [:], includeSecrets: Bool,
                            environment: [String: String]) throws -> [MailboxExportRow] {
        if let g = filter.group, inventory.group(named: g) == nil {
            throw UnknownName(description: "no group '\(g)' in the inventory (groups: \(inventory.groups.map(\.name).sorted().joined(separator: ", ")))")
        }
        if let d = filter.domain, inventory.domain(named: d) == nil { throw UnknownName(description: "no domain '\(d)' in the inventory") }
        var rows: [MailboxExportRow] = []
        for p in inventory.mailboxes {
            if let g = filter.group, p.group.name != g { continue }
            if let d = filter.domain, p.domain.name != d.lowercased() { continue }
            let address = p.address
            var state: MailboxExportRow.State = switch p.domain.role {
            case .active: .active
            case .spare: .spare
            case .retired: .retired
            }
            if health[address.lowercased()]?.enabled == false { state = .disabled }
            if state != .active && !filter.all { continue }
            guard let pool = inventory.pool(for: p.domain), let mailgun = pool.mailgun else { continue }
            var row = MailboxExportRow(address: address, displayName: p.mailbox.displayName ?? p.mailbox.local, group: p.group.name,
                                       domain: p.domain.name, state: state,
                                       dailyLimit: state == .disabled ? 0 : inventory.dailyCap(forMailboxOf: p.domain, on: date),
                                       smtpHost: mailgun.smtpServer.host)
            row.smtpPort = mailgun.smtpServer.port
            row.smtpSecurity = mailgun.smtpServer.implicitTLS ? "ssl" : "starttls"
            let master = includeSecrets ? inventory.smtpPasswordSecret(forPool: pool) : nil
            let deriver = master.flatMap { $0.resolve(in: environment) }.flatMap { $0.isEmpty ? nil : SMTPPasswordDeriver(masterSecret: $0) }
            if includeSecrets, deriver == nil {
                row.notes.append(master.map { "env:\($0.name) is not set: passwords left empty" } ?? "no smtp_password_secret: passwords cannot be derived")
            }
            row.smtpPassword = deriver?.password(for: address, version: SMTPPasswordDeriver.currentVersion)
            switch inventory.effectiveInbound(for: p.domain) {
            case .zoho(let name):
                if let zoho = inventory.account(named: name)?.zoho {
                    row.imapHost = zoho.region.imapHost
                    row.imapPort = 993
                    row.imapSecurity = "ssl"
                    row.imapPassword = deriver?.zohoMailboxPassword(for: address)
                }
            case .mailgunRouting(let target):
                row.notes.append("no IMAP inbox: Mailgun routes forward replies to \(target)")
            }
            if !includeSecrets { row.notes.append("passwords left out (--include-secrets writes them)") }
            rows.append(row)
        }
        return rows.sorted { ($0.group, $0.address) < ($1.group, $1.address) }
    }

    /// The file's text: a header row and one line per mailbox, RFC 4180 quoting, CRLF.
    public static func csv(_ rows: [MailboxExportRow], format: Format) -> String {
        var lines = [columns(format).map(\.header)]
        for r in rows { lines.append(columns(format).map { $0.value(r) }) }
        return lines.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    struct Column {
        var header: String
        var value: (MailboxExportRow) -> String
    }

    /// The tools' own warmup networks exchange fake opens and replies; the
    /// fleet warms by volume alone, so their warmup is written as off.
    static func columns(_ format: Format) -> [Column] {
        let name = { (r: MailboxExportRow) in r.displayName.split(separator: " ", maxSplits: 1).map(String.init) }
        switch format {
        case .csv:
            return [
                Column(header: "email") { $0.address }, Column(header: "display_name") { $0.displayName },
                Column(header: "group") { $0.group }, Column(header: "domain") { $0.domain },
                Column(header: "state") { $0.state.rawValue }, Column(header: "daily_limit") { "\($0.dailyLimit)" },
                Column(header: "smtp_host") { $0.smtpHost }, Column(header: "smtp_port") { "\($0.smtpPort)" },
                Column(header: "smtp_security") { $0.smtpSecurity }, Column(header: "smtp_username") { $0.address },
                Column(header: "smtp_password") { $0.smtpPassword ?? "" },
                Column(header: "imap_host") { $0.imapHost ?? "" }, Column(header: "imap_port") { $0.imapPort.map(String.init) ?? "" },
                Column(header: "imap_security") { $0.imapSecurity ?? "" },
                Column(header: "imap_username") { $0.imapHost == nil ? "" : $0.address },
                Column(header: "imap_password") { $0.imapPassword ?? "" },
                Column(header: "note") { $0.notes.joined(separator: "; ") },
            ]
        case .instantly:
            return [
                Column(header: "Email") { $0.address }, Column(header: "First Name") { name($0).first ?? "" },
                Column(header: "Last Name") { name($0).dropFirst().first ?? "" },
                Column(header: "IMAP Username") { $0.imapHost == nil ? "" : $0.address },
                Column(header: "IMAP Password") { $0.imapPassword ?? "" }, Column(header: "IMAP Host") { $0.imapHost ?? "" },
                Column(header: "IMAP Port") { $0.imapPort.map(String.init) ?? "" },
                Column(header: "SMTP Username") { $0.address }, Column(header: "SMTP Password") { $0.smtpPassword ?? "" },
                Column(header: "SMTP Host") { $0.smtpHost }, Column(header: "SMTP Port") { "\($0.smtpPort)" },
                Column(header: "Daily Limit") { "\($0.dailyLimit)" }, Column(header: "Warmup Enabled") { _ in "FALSE" },
                Column(header: "Warmup Limit") { _ in "" }, Column(header: "Warmup Increment") { _ in "" },
            ]
        case .smartlead:
            return [
                Column(header: "from_name") { $0.displayName }, Column(header: "from_email") { $0.address },
                Column(header: "user_name") { $0.address }, Column(header: "password") { $0.smtpPassword ?? "" },
                Column(header: "smtp_host") { $0.smtpHost }, Column(header: "smtp_port") { "\($0.smtpPort)" },
                Column(header: "imap_host") { $0.imapHost ?? "" }, Column(header: "imap_port") { $0.imapPort.map(String.init) ?? "" },
                Column(header: "max_email_per_day") { "\($0.dailyLimit)" }, Column(header: "custom_tracking_url") { _ in "" },
                Column(header: "warmup_enabled") { _ in "FALSE" }, Column(header: "total_warmup_per_day") { _ in "" },
                Column(header: "daily_rampup") { _ in "" }, Column(header: "reply_rate_percentage") { _ in "" },
                Column(header: "bcc") { _ in "" }, Column(header: "signature") { _ in "" },
                Column(header: "different_reply_to_address") { _ in "" },
                Column(header: "imap_user_name") { $0.imapHost == nil ? "" : $0.address },
                Column(header: "imap_password") { $0.imapPassword ?? "" },
            ]
        }
    }

    /// RFC 4180, plus a leading `'` for cells a spreadsheet would run as a
    /// formula (`=`, `+`, `-`, `@`): display names come from the inventory.
    static func quote(_ cell: String) -> String {
        var c = cell
        if let f = c.first, "=+-@".contains(f) { c = "'" + c }
        guard c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return c }
        return "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
