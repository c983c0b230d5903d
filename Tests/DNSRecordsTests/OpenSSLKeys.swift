import Foundation

/// Real keys from the system's `openssl`, so the DKIM checks run against
/// what a key generator really emits rather than hand-made bytes.
enum OpenSSLKeys {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Base64 of an RSA public key of `bits` bits: SubjectPublicKeyInfo DER,
    /// or a bare PKCS#1 RSAPublicKey when `pkcs1`.
    static func rsaPublicKey(bits: Int, pkcs1: Bool = false) throws -> String {
        try withTemporaryDirectory { dir in
            try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", "\(dir)/key.pem"])
            if pkcs1 {
                try run(["rsa", "-in", "\(dir)/key.pem", "-RSAPublicKey_out", "-outform", "DER", "-out", "\(dir)/pub.der"])
            } else {
                try run(["pkey", "-in", "\(dir)/key.pem", "-pubout", "-outform", "DER", "-out", "\(dir)/pub.der"])
            }
            return try Data(contentsOf: URL(fileURLWithPath: "\(dir)/pub.der")).base64EncodedString()
        }
    }

    /// An Ed25519 public key as DKIM publishes it (RFC 8463: the raw 32 bytes).
    static func ed25519PublicKey() throws -> String {
        try withTemporaryDirectory { dir in
            try run(["genpkey", "-algorithm", "ed25519", "-out", "\(dir)/key.pem"])
            try run(["pkey", "-in", "\(dir)/key.pem", "-pubout", "-outform", "DER", "-out", "\(dir)/pub.der"])
            let der = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/pub.der"))
            return der.suffix(32).base64EncodedString()
        }
    }

    private static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let dir = NSTemporaryDirectory() + "dkim-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    private static func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        // openssl exits on its own; nothing needs signalling (see swift-stack.md pitfall 1).
        let msg = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "openssl \(args.joined(separator: " ")) failed: \(String(decoding: msg, as: UTF8.self))")
        }
    }
}
