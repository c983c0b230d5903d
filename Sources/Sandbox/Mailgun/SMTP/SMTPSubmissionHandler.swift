import NIOCore
import NIOSSL

/// The bytes side of one SMTP connection: splits what arrives into lines,
/// feeds them to `SMTPSubmissionSession` and carries out its steps. Lines are
/// taken one at a time; while a message is being stored (async, off the
/// event loop) nothing further is read from the buffer, so a pipelining
/// client gets its replies in order.
final class SMTPSubmissionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A command line longer than this is refused; a DATA line, or a
    /// command still without its end, longer than `maxBufferedBytes` closes
    /// the connection (nothing legitimate sends either).
    static let maxCommandLine = 4096
    static let maxBufferedBytes = 1 << 20

    private var session: SMTPSubmissionSession
    private let tls: NIOSSLContext
    private let deliver: @Sendable (SMTPSubmissionSession.Envelope) async -> String
    private var buffer = ByteBuffer()
    private var busy = false
    private var closing = false

    init(session: SMTPSubmissionSession, tls: NIOSSLContext,
         deliver: @escaping @Sendable (SMTPSubmissionSession.Envelope) async -> String) {
        self.session = session
        self.tls = tls
        self.deliver = deliver
    }

    func channelActive(context: ChannelHandlerContext) {
        write(session.greeting, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !closing else { return }
        buffer.writeBuffer(&incoming)
        process(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake or a reset: nothing to answer on this connection.
        context.close(promise: nil)
    }

    private func process(context: ChannelHandlerContext) {
        while !busy, !closing, let line = nextLine(context: context) {
            switch session.receive(line) {
            case .none: continue
            case .reply(let text): write(text, context: context)
            case .close(let text):
                write(text, context: context)
                closing = true
                context.close(promise: nil)
            case .startTLS(let text):
                // Whatever followed STARTTLS in the same packet was sent in clear: dropped (RFC 3207 §6).
                buffer.clear()
                write(text, context: context)
                // The reply is already on its way in clear; from here the bytes go through TLS.
                do {
                    try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                    session.tlsStarted()
                } catch {
                    closing = true
                    context.close(promise: nil)
                }
            case .deliver(let envelope):
                busy = true
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let deliver = self.deliver
                Task {
                    let reply = await deliver(envelope)
                    bound.eventLoop.execute {
                        let (handler, context) = bound.value
                        handler.session.delivered()
                        handler.busy = false
                        handler.write(reply, context: context)
                        handler.process(context: context)
                    }
                }
            }
        }
        // Once per read, not per line: a 25 MB message is many lines.
        buffer.discardReadBytes()
    }

    /// The next complete line without its CRLF (a bare LF is taken too).
    private func nextLine(context: ChannelHandlerContext) -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxBufferedBytes {
                write("500 5.5.0 Line too long", context: context)
                closing = true
                context.close(promise: nil)
            }
            return nil
        }
        let length = lf - view.startIndex
        var line = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if session.mode != .data, line.count > Self.maxCommandLine {
            write("500 5.5.2 Line too long", context: context)
            return nextLine(context: context)
        }
        return line
    }

    private func write(_ text: String, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: text.utf8.count + 2)
        out.writeString(text)
        out.writeString("\r\n")
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}
