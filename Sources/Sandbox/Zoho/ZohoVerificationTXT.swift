import Foundation

/// The emulator's own reading of Zoho's ownership TXT, written from the
/// documented shape (mail-platforms.md 2.4:
/// `zoho-verification=<CNAMEVerificationCode>.zmverify.zoho.<dc-tld>`) and
/// deliberately not from `ZohoRegion.verificationTXT`, the helper the apply
/// side publishes with: were both sides to share it, a wrong value would
/// verify in the Sandbox and fail only against the real Zoho.
struct ZohoVerificationTXT: Equatable {
    /// `CNAMEVerificationCode` as Zoho issued it (`zb…`), case kept.
    var code: String
    /// The data centre's TLD: `com`, `eu`, `com.au`.
    var dataCentre: String

    init(code: String, dataCentre: String) {
        self.code = code
        self.dataCentre = dataCentre.lowercased()
    }

    /// Parses one TXT value; nil when it is not a Zoho verification record.
    init?(_ value: String) {
        var text = value.trimmingCharacters(in: .whitespaces)
        // Zone files and some registrars' APIs hand TXT strings back quoted.
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        let key = "zoho-verification="
        guard text.lowercased().hasPrefix(key) else { return nil }
        let rest = text.dropFirst(key.count)
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        let code = rest[..<dot]
        let host = rest[rest.index(after: dot)...].lowercased()
        let marker = "zmverify.zoho."
        guard !code.isEmpty, host.hasPrefix(marker), host.count > marker.count else { return nil }
        self.init(code: String(code), dataCentre: String(host.dropFirst(marker.count)))
    }
}
