import Crypto
import Foundation
import NIOSSL
import Store
import SwiftASN1
import X509

/// The sandbox SMTP listener's TLS identity: a P-256 key and a self-signed
/// certificate for 127.0.0.1, made when the listener starts. The key lives
/// only in memory; the certificate (its own CA) is written as PEM so a
/// client can verify the server instead of switching verification off.
struct SandboxTLSIdentity: Sendable {
    let certificatePEM: String
    let privateKeyPEM: String

    /// Valid from an hour ago (clock skew) for a year: a sandbox runs for minutes, a world file lives longer.
    init(commonName: String, now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            // curl checks the name against the URL it was given: smtp://127.0.0.1:PORT.
            SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])), .dnsName("localhost")])
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(key))
        certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        privateKeyPEM = key.pemRepresentation
    }

    /// The server side of STARTTLS: this certificate and key, TLS 1.2 or later.
    func serverContext() throws -> NIOSSLContext {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }

    /// The certificate as a CA file for clients (`smtp_ca_file`), 0600 like
    /// everything else under `.reconcile/`.
    func writeCertificate(to path: String) throws {
        try PrivateFiles.write(Data(certificatePEM.utf8), to: path)
    }
}
