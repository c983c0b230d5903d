/// A problem found in a DNS record or a set of records: a typed code (for
/// tests and callers that react to a specific case) and a message for people.
///
/// Parsers throw it; linters and validators return lists of it. `name` is the
/// record name the problem is about, when there is one, so a caller can map
/// it back to where the record came from.
public struct DNSProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning
        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public enum Code: String, Sendable, Hashable, Codable {
        // names, TTLs, values
        case emptyName, nameTooLong, labelTooLong, emptyLabel, invalidLabel
        case ttlOutOfRange, missingPriority, unexpectedPriority, priorityOutOfRange
        case invalidAddress, invalidHost, invalidCAA, txtTooLong
        // TXT presentation form
        case unterminatedQuote, invalidEscape, unquotedText
        // conflicts
        case cnameAtApex, cnameWithOtherRecords, multipleCNAMEs, multipleSPF, multipleDMARC, duplicateRecord
        // SPF
        case spfNotSPF, spfSyntax, spfUnknownMechanism, spfTooManyLookups, spfLookupsNearLimit
        case spfUnknownIncludeCost, spfDuplicateTerm, spfAllNotLast, spfPermissiveAll, spfNoAll
        case spfPtr, spfDuplicateModifier, spfRedirectWithAll
        // DMARC
        case dmarcNotDMARC, dmarcSyntax, dmarcDuplicateTag, dmarcMissingPolicy, dmarcPolicyNotSecond
        case dmarcInvalidValue, dmarcInvalidURI, dmarcUnknownTag, dmarcExternalReports, dmarcWeak
        // DKIM
        case dkimSyntax, dkimDuplicateTag, dkimVersion, dkimKeyType, dkimMissingKey, dkimRevoked
        case dkimBadBase64, dkimBadKey, dkimWeakKey, dkimUnknownHash, dkimTesting
    }

    public var severity: Severity
    public var code: Code
    public var message: String
    /// The record name concerned (canonical form), if any.
    public var name: String?

    public init(_ severity: Severity = .error, _ code: Code, _ message: String, name: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.name = name
    }

    public static func error(_ code: Code, _ message: String, name: String? = nil) -> DNSProblem {
        DNSProblem(.error, code, message, name: name)
    }

    public static func warning(_ code: Code, _ message: String, name: String? = nil) -> DNSProblem {
        DNSProblem(.warning, code, message, name: name)
    }

    public var isError: Bool { severity == .error }

    public var description: String {
        (name.map { "\($0): " } ?? "") + message
    }
}

extension Array where Element == DNSProblem {
    public var errors: [DNSProblem] { filter(\.isError) }
    public var warnings: [DNSProblem] { filter { !$0.isError } }
}
