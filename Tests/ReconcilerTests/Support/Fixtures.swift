import DNSRecords
@testable import Reconciler

enum Fixtures {
    static func fingerprint(_ inventory: String = "inv") -> PlanFingerprint {
        PlanFingerprint(inventory: PlanFingerprint.hash(Data(inventory.utf8)), observed: [:])
    }

    static func rec(_ name: String, _ type: RecordType, _ value: String, ttl: Int = 3600, prio: Int? = nil) -> DNSRecord {
        DNSRecord(name: name, type: type, ttl: ttl, priority: prio, value: value)
    }

    /// The record set a mail domain wants (Zoho inbound, Mailgun sending).
    static func mailRecords(_ d: String) -> [DNSRecord] {
        [
            rec(d, .MX, "mx.zoho.com", prio: 10),
            rec(d, .MX, "mx2.zoho.com", prio: 20),
            rec(d, .TXT, "v=spf1 include:mailgun.org include:zoho.com ~all"),
            rec("_dmarc.\(d)", .TXT, "v=DMARC1; p=none; rua=mailto:dmarc@reports.example.org"),
            rec("email.\(d)", .CNAME, "mailgun.org"),
            rec("zmail._domainkey.\(d)", .TXT, "v=DKIM1; k=rsa; p=ZOHOKEY"),
        ]
    }
}

import Foundation
