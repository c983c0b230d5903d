import Foundation

/// Ports on 127.0.0.1 for the servers the sandbox and the tests start.
///
/// A port is chosen *below* the kernel's ephemeral range and checked free
/// for both TCP and UDP: a port handed out by `bind(0)` comes from the range
/// every outgoing connection also draws from, so under a busy test run
/// another process's client socket could take it before the server binds
/// (Knot then exits with "address already in use").
public enum LoopbackPort {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "no free port on 127.0.0.1" }
    }

    /// A port free for TCP and UDP right now.
    public static func free() throws -> Int {
        let low = ephemeralRangeStart()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: 10_000..<max(low, 10_001), using: &rng)
            if bindable(port, SOCK_STREAM) && bindable(port, SOCK_DGRAM) { return port }
        }
        throw Unavailable()
    }

    /// True when something accepts a TCP connection on the port.
    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = address(port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func bindable(_ port: Int, _ type: __socket_type) -> Bool {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        defer { close(fd) }
        var addr = address(port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func address(_ port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return addr
    }

    /// The first port of `net.ipv4.ip_local_port_range` (32768 when unreadable).
    private static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
    }
}
