import Foundation

/// A UDP socket on loopback that reads and never answers.
public final class SilentUDP: @unchecked Sendable {
    let fd: Int32
    public let port: Int

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw DovecotServer.Failure.command("no UDP port") }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    public func close() { _ = Glibc.close(fd) }
}
