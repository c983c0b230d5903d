/// What a registrar emulator quotes per TLD (USD, per year, as the APIs
/// print them: decimal strings). Sandbox values in the range the registrars
/// charge, not a quote: a test or a demo changes them through the emulator's
/// `prices`. Each registrar has its own list, as each has its own prices.
public struct SandboxTLDPrice: Sendable, Hashable, Codable {
    public var registration: String
    public var renewal: String
    public var transfer: String

    public init(registration: String, renewal: String, transfer: String) {
        self.registration = registration
        self.renewal = renewal
        self.transfer = transfer
    }

    public init(_ all: String) { self.init(registration: all, renewal: all, transfer: all) }
}

public enum SandboxPriceList {
    public static let porkbun: [String: SandboxTLDPrice] = [
        "com": SandboxTLDPrice("11.08"), "net": SandboxTLDPrice("12.52"), "org": SandboxTLDPrice("10.74"),
        "io": SandboxTLDPrice(registration: "28.12", renewal: "46.48", transfer: "46.48"),
        "co": SandboxTLDPrice(registration: "11.48", renewal: "26.42", transfer: "26.42"),
        "de": SandboxTLDPrice("5.33"), "eu": SandboxTLDPrice("4.77"), "xyz": SandboxTLDPrice(registration: "2.06", renewal: "13.94", transfer: "13.94"),
        "co.uk": SandboxTLDPrice("7.35"),
    ]

    public static let namecheap: [String: SandboxTLDPrice] = [
        "com": SandboxTLDPrice(registration: "11.28", renewal: "18.48", transfer: "11.28"),
        "net": SandboxTLDPrice(registration: "12.98", renewal: "17.98", transfer: "12.98"),
        "org": SandboxTLDPrice(registration: "7.48", renewal: "15.98", transfer: "11.98"),
        "io": SandboxTLDPrice(registration: "34.98", renewal: "59.98", transfer: "44.98"),
        "co": SandboxTLDPrice(registration: "8.98", renewal: "31.98", transfer: "22.98"),
        "de": SandboxTLDPrice(registration: "5.98", renewal: "9.98", transfer: "5.98"),
        "eu": SandboxTLDPrice(registration: "4.98", renewal: "10.98", transfer: "4.98"),
        "xyz": SandboxTLDPrice(registration: "1.98", renewal: "14.98", transfer: "12.98"),
        "co.uk": SandboxTLDPrice(registration: "5.98", renewal: "9.58", transfer: "5.98"),
    ]
}
