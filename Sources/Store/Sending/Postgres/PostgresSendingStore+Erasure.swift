import Foundation

extension PostgresSendingStore {
    /// As `SQLiteSendingStore.forget`. The enrollment's key changes under its
    /// messages and the foreign key is checked per statement here (not
    /// deferrable): the hashed enrollment is added first, the messages move
    /// to it, then the old one goes. PostgreSQL has no `secure_delete`: the
    /// old row versions stay in the table's pages until VACUUM reclaims them.
    public func forget(email: String, at: Double) throws -> ErasureReport {
        let email = EmailAddress.normalize(email)
        let hash = ErasedRecipient.hash(email)
        return try db.transaction { c in
            var report = ErasureReport(email: email)
            report.wasSuppressed = try Self.isSuppressed(c, email: email)
            try c.query("""
                INSERT INTO sending_suppression (email, reason, source, at)
                SELECT $1, reason, source, at FROM sending_suppression WHERE email = $2 ON CONFLICT DO NOTHING
                """, [hash, email])
            try c.query("DELETE FROM sending_suppression WHERE email = $1", [email])
            try c.query("INSERT INTO sending_suppression (email, reason, source, at) VALUES ($1, 'erasure request', NULL, $2) ON CONFLICT DO NOTHING",
                        [hash, at])
            try c.query("""
                INSERT INTO sending_enrollment (campaign_id, email, time_zone, variables, sticky_mailbox, stopped_reason, enrolled_at)
                SELECT campaign_id, $1, NULL, '{}', sticky_mailbox, COALESCE(stopped_reason, 'erasure request'), enrolled_at
                FROM sending_enrollment WHERE email = $2 ON CONFLICT DO NOTHING
                """, [hash, email])
            report.enrollments = try c.rows("SELECT 1 FROM sending_enrollment WHERE email = $1", [email]).count
            report.messages = try c.query("""
                UPDATE sending_message SET email = $1, time_zone = NULL,
                    reply_text = CASE WHEN state IN ('planned', 'deferred') THEN 'erasure request'
                                      WHEN strpos(lower(reply_text), $2) > 0 THEN '[erased]' ELSE reply_text END,
                    state = CASE WHEN state IN ('planned', 'deferred') THEN 'stopped' ELSE state END
                WHERE email = $2
                """, [hash, email]).affected ?? 0
            try c.query("DELETE FROM sending_enrollment WHERE email = $1", [email])
            report.events = try c.query("UPDATE sending_event SET email = $1, detail = '' WHERE email = $2", [hash, email]).affected ?? 0
            // The address inside texts of other rows (a bounce quoting it).
            try c.query("UPDATE sending_message SET reply_text = '[erased]' WHERE strpos(lower(reply_text), $1) > 0", [email])
            try c.query("UPDATE sending_event SET detail = '[erased]' WHERE strpos(lower(detail), $1) > 0", [email])
            return report
        }
    }
}
