import Foundation
import GRDB

extension SQLiteSendingStore {
    public func forget(email: String, at: Double) throws -> ErasureReport {
        let email = EmailAddress.normalize(email)
        let hash = ErasedRecipient.hash(email)
        var report = ErasureReport(email: email)
        try pool.writeWithoutTransaction { db in
            // Deleted and rewritten cells are zeroed, not left in free space
            // where the file's bytes would still show the address.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            try db.inTransaction {
                // The enrollment's key changes under its messages: checked at commit.
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                report.wasSuppressed = try Self.isSuppressed(db, email: email)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO sending_suppression (email, reason, source, at)
                    SELECT ?, reason, source, at FROM sending_suppression WHERE email = ?
                    """, arguments: [hash, email])
                try db.execute(sql: "DELETE FROM sending_suppression WHERE email = ?", arguments: [email])
                try db.execute(sql: "INSERT OR IGNORE INTO sending_suppression (email, reason, source, at) VALUES (?, 'erasure request', NULL, ?)",
                               arguments: [hash, at])
                try db.execute(sql: """
                    UPDATE sending_enrollment SET email = ?, variables = '{}', time_zone = NULL,
                        stopped_reason = COALESCE(stopped_reason, 'erasure request') WHERE email = ?
                    """, arguments: [hash, email])
                report.enrollments = db.changesCount
                try db.execute(sql: """
                    UPDATE sending_message SET email = ?, time_zone = NULL,
                        reply_text = CASE WHEN state IN ('planned', 'deferred') THEN 'erasure request'
                                          WHEN instr(lower(reply_text), ?) > 0 THEN '[erased]' ELSE reply_text END,
                        state = CASE WHEN state IN ('planned', 'deferred') THEN 'stopped' ELSE state END
                    WHERE email = ?
                    """, arguments: [hash, email, email])
                report.messages = db.changesCount
                try db.execute(sql: "UPDATE sending_event SET email = ?, detail = '' WHERE email = ?", arguments: [hash, email])
                report.events = db.changesCount
                // The address inside texts of other rows (a bounce quoting it).
                try db.execute(sql: "UPDATE sending_message SET reply_text = '[erased]' WHERE instr(lower(reply_text), ?) > 0", arguments: [email])
                try db.execute(sql: "UPDATE sending_event SET detail = '[erased]' WHERE instr(lower(detail), ?) > 0", arguments: [email])
                return .commit
            }
            // The WAL still holds the pages as they were: fold it into the
            // file and truncate it.
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return report
    }

    /// The recipient is suppressed by address or, once erased, by hash.
    static func isSuppressed(_ db: Database, email: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM sending_suppression WHERE email IN (?, ?)",
                          arguments: [email, ErasedRecipient.hash(email)]) == true
    }
}
