/// SLD/TLD at the registrable boundary (registrars.md B2): naive splitting at
/// the last dot breaks `.co.uk` and `.com.de`. A short list of the multi-label
/// suffixes Namecheap sells covers the fleet; anything else splits at the last dot.
public enum DomainSplit {
    static let multiLabelSuffixes: Set<String> = [
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "com.de", "com.au", "net.au", "org.au",
        "co.nz", "net.nz", "org.nz", "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "com.br",
        "com.mx", "com.co", "net.co", "nom.co", "com.cn", "com.tw", "com.sg", "com.ph", "com.vc", "com.pe",
        "co.za", "com.es", "nom.es", "org.es", "com.pl", "net.pl", "co.com", "us.com", "uk.com", "eu.com",
    ]

    public static func split(_ domain: String) -> (sld: String, tld: String) {
        let labels = domain.lowercased().split(separator: ".").map(String.init)
        guard labels.count >= 2 else { return (domain, "") }
        if labels.count >= 3 {
            let two = labels.suffix(2).joined(separator: ".")
            if multiLabelSuffixes.contains(two) {
                return (labels.dropLast(2).joined(separator: "."), two)
            }
        }
        return (labels.dropLast().joined(separator: "."), labels.last!)
    }
}
