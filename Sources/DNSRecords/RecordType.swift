/// The record types the fleet manages. Registrars may support more; those are
/// observed as unmanaged and kept.
public enum RecordType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case A, AAAA, CNAME, MX, TXT, NS, CAA

    public static func < (lhs: RecordType, rhs: RecordType) -> Bool { lhs.rawValue < rhs.rawValue }
}
