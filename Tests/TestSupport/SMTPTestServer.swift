import Foundation

/// The real aiosmtpd server (scripts/smtp-test-server.py) on 127.0.0.1 with an
/// ephemeral port, STARTTLS and AUTH required. Stopped with SIGKILL: children
/// of Swift Testing inherit a blocked signal mask (swift-stack.md pitfall 1).
/// Shared by the Sender and Monitor tests (the sender's deliveries, `serve`'s probes).
public final class SMTPTestServer: @unchecked Sendable {
    let process = Process()
    public let port: Int
    public let inbox: URL
    public let cert: URL
    public let dir: URL

    /// `parse`: the server also writes what Python's `email` parser reads from each message (`parsed()`).
    /// `anyLogin`: every AUTH login is accepted (mailboxes with derived passwords, as `send --inventory` logs in).
    /// `delay`: seconds the server waits before answering each DATA (a slow relay).
    public init(noStartTLS: Bool = false, parse: Bool = false, user: String = "user", password: String = "pass", anyLogin: Bool = false,
                delay: Double = 0) throws {
        dir = try serverDirectory("smtp")
        inbox = dir.appendingPathComponent("inbox")
        // Trusted by the client through CURLOPT_CAINFO.
        let key: URL
        (cert, key) = try selfSignedCertificate(in: dir)

        let python = ReconcileBinary.repositoryRoot.appendingPathComponent(".reconcile/venv/bin/python")
        process.executableURL = python
        var arguments: [String] = [ReconcileBinary.repositoryRoot.appendingPathComponent("scripts/smtp-test-server.py").path, "--dir", inbox.path,
                                   "--cert", cert.path, "--key", key.path, "--user", user, "--password", password]
        if noStartTLS { arguments.append("--no-starttls") }
        if parse { arguments.append("--parse") }
        if anyLogin { arguments.append("--any-login") }
        if delay > 0 { arguments += ["--delay", "\(delay)"] }
        process.arguments = arguments
        port = try runAnnouncingPort(process)
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Every message the server stored, oldest first.
    public func received() -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return files.compactMap { try? String(contentsOf: inbox.appendingPathComponent($0), encoding: .utf8) }
    }

    /// With `parse`: per stored message, oldest first, Python's reading of it
    /// (`headers`: name, value decoded, addresses, defects; `text`; `max_line`).
    public func parsed() -> [[String: Any]] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return files.compactMap { f in
            (try? Data(contentsOf: inbox.appendingPathComponent(f))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
    }

    /// The server's per-message log lines (envelope, TLS, AUTH).
    public func log() -> [[String: Any]] {
        guard let text = try? String(contentsOf: inbox.appendingPathComponent("log.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }
}

public enum SMTPServerError: Error { case didNotStart }

/// A self-signed certificate for `localhost` and 127.0.0.1, made with openssl: `cert.pem` and `key.pem` in `dir`.
public func selfSignedCertificate(in dir: URL) throws -> (cert: URL, key: URL) {
    let cert = dir.appendingPathComponent("cert.pem"), key = dir.appendingPathComponent("key.pem")
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", cert.path, "-days", "2",
                         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    openssl.standardOutput = FileHandle.nullDevice
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    return (cert, key)
}

/// Starts a test server and returns the port it prints as `PORT n`; the
/// server is killed when none comes within 20 s.
public func runAnnouncingPort(_ process: Process) throws -> Int {
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var buffer = Data()
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
           let port = Int(line.dropFirst(5)) {
            return port
        }
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    throw SMTPServerError.didNotStart
}

/// An HTTPS server on 127.0.0.1 (Python's `ssl` around `http.server`) whose
/// self-signed certificate the client does not trust: a TLS verification
/// failure without any network. Stopped with SIGKILL like `SMTPTestServer`.
public final class UntrustedTLSServer: @unchecked Sendable {
    let process = Process()
    public let port: Int
    public let dir: URL

    public init() throws {
        dir = try serverDirectory("tls")
        let (cert, key) = try selfSignedCertificate(in: dir)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import http.server, ssl, sys
            server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print("PORT", server.server_address[1], flush=True)
            server.serve_forever()
            """, cert.path, key.path]
        port = try runAnnouncingPort(process)
    }

    public var url: String { "https://127.0.0.1:\(port)" }

    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A fresh directory under the system temp dir, removed by `stop()`.
private func serverDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
