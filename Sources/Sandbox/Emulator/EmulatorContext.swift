import Hummingbird
import NIOCore

/// The request context of every emulator. It keeps the connection's channel
/// so the fault injector can really drop a connection and the Namecheap
/// emulator can check the caller's address against its IP allow-list.
public struct EmulatorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// 16 MiB: a Namecheap setHosts for a large zone goes by POST (registrars.md B1).
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    /// The caller's IP address as the server sees it.
    public var remoteIP: String? { channel.remoteAddress?.ipAddress }
}
