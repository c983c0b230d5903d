import Foundation

extension DNSServer {
    /// The recursive resolvers of `/etc/resolv.conf` (`nameserver` lines),
    /// for questions that need recursion (blocklist lookups). c-ares is told
    /// the servers explicitly, so the file is read here.
    public static func system(resolvConf path: String = "/etc/resolv.conf") -> [DNSServer] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { return nil }
            // A scoped IPv6 address (fe80::1%eth0) is not something c-ares' CSV takes.
            let host = String(words[1].split(separator: "%")[0])
            return isAddress(host) ? DNSServer(address: host) : nil
        }
    }
}
