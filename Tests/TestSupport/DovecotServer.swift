import Foundation

/// A real Dovecot (Debian `dovecot-imapd`) on 127.0.0.1, IMAP over TLS only,
/// with a private configuration in a temporary directory (monitoring.md
/// "Dovecot"). Runs in the foreground so the test owns the process; stopped
/// by `doveadm stop`, then SIGKILL.
public final class DovecotServer: @unchecked Sendable {
    public let dir: URL
    public let port: Int
    let process = Process()
    public var caFile: String { dir.appendingPathComponent("cert.pem").path }
    public var url: String { "imaps://127.0.0.1:\(port)" }
    private var conf: String { dir.appendingPathComponent("dovecot.conf").path }

    public enum Failure: Error { case didNotStart(String), command(String) }

    /// `users`: address → password.
    public init(users: [String: String]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dovecot-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("run"), withIntermediateDirectories: true)
        port = try Self.freePort()
        let d = dir.path
        try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/key.pem", "-out", "\(d)/cert.pem",
                                          "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        let uid = try Self.run("/usr/bin/id", ["-u", "nobody"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let gid = try Self.run("/usr/bin/getent", ["group", "nogroup"]).split(separator: ":")[2]
        var passwd = ""
        for (user, password) in users.sorted(by: { $0.key < $1.key }) {
            let hash = try Self.run("/usr/bin/doveadm", ["pw", "-s", "SHA512-CRYPT", "-p", password]).trimmingCharacters(in: .whitespacesAndNewlines)
            let home = "\(d)/home/\(user)"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            passwd += "\(user):\(hash):\(uid):\(gid)::\(home)\n"
        }
        try passwd.write(toFile: "\(d)/passwd", atomically: true, encoding: .utf8)
        try Self.run("/bin/chown", ["-R", "nobody:nogroup", "\(d)/home"])
        try """
            protocols = imap
            listen = 127.0.0.1
            base_dir = \(d)/run
            state_dir = \(d)/run
            log_path = \(d)/dovecot.log
            ssl = required
            ssl_cert = <\(d)/cert.pem
            ssl_key = <\(d)/key.pem
            default_internal_user = nobody
            default_login_user = nobody
            default_internal_group = nogroup
            auth_mechanisms = plain login
            passdb {
              driver = passwd-file
              args = scheme=SHA512-CRYPT \(d)/passwd
            }
            userdb {
              driver = passwd-file
              args = \(d)/passwd
            }
            mail_location = maildir:~/Maildir
            service imap-login {
              inet_listener imap {
                port = 0
              }
              inet_listener imaps {
                port = \(port)
                ssl = yes
              }
            }

            """.write(toFile: conf, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dovecot")
        process.arguments = ["-F", "-c", conf]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when the TLS port accepts a connection.
        let deadline = Date().addingTimeInterval(15)
        while !Self.accepts(port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw Failure.didNotStart((try? String(contentsOfFile: "\(d)/dovecot.log", encoding: .utf8)) ?? "no log")
            }
            usleep(50_000)
        }
    }

    /// Delivers RFC 5322 text into the user's INBOX.
    public func deliver(to user: String, _ message: String) throws {
        try Self.run("/usr/bin/doveadm", ["-c", conf, "save", "-u", user], input: message.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    public func stop() {
        _ = try? Self.run("/usr/bin/doveadm", ["-c", conf, "stop"])
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        if input != nil { p.standardInput = inPipe }
        try p.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure.command("\(tool) \(args.first ?? "") exited \(p.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Failure.command("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
