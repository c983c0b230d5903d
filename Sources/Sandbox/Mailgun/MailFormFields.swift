import Foundation
import Hummingbird
import NIOCore
import Providers

/// Form fields of a request, repeated keys kept in order (Mailgun gives meaning to
/// repeated `url`, `action`, `to`, `o:tag`). Accepts urlencoded and multipart bodies
/// and the query string, as the Mailgun emulator must (mail-platforms.md §1.1).
/// The decoding is `MailgunFormDecoding`, shared with `serve`'s inbound route;
/// the client's encoder is separate on purpose.
public struct MailFormFields: Sendable {
    public var pairs: [(String, String)]

    public init(pairs: [(String, String)]) { self.pairs = pairs }

    public subscript(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
    public func all(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }
    public func has(_ key: String) -> Bool { pairs.contains { $0.0 == key } }

    /// Query items plus the body (urlencoded or multipart/form-data).
    public static func parse(_ request: Request, body: ByteBuffer) -> MailFormFields {
        MailFormFields(pairs: MailgunFormDecoding.urlencoded(request.uri.query ?? "")
            + MailgunFormDecoding.pairs(body: Data(body.readableBytesView), contentType: request.headers[.contentType] ?? ""))
    }
}

/// JSON and text answers shared by the mail emulators.
enum MailReply {
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(status, data, contentType: "application/json")
    }

    static func object(_ value: [String: Any], status: Int = 200) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
        return raw(status, data, contentType: "application/json")
    }

    static func message(_ text: String, status: Int) -> Response { object(["message": text], status: status) }

    static func raw(_ status: Int, _ data: Data, contentType: String, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = contentType
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        raw(status, Data(text.utf8), contentType: contentType)
    }

    /// RFC 2822 date as Mailgun writes it (`Mon, 24 Feb 2025 22:44:03 GMT`).
    static func rfc2822(_ date: Date, zone: String = "GMT") -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss"
        return f.string(from: date) + " " + zone
    }
}

extension Request {
    /// The body the gate already collected.
    func collectedBody(_ context: EmulatorContext) async throws -> ByteBuffer {
        var r = self
        return try await r.collectBody(upTo: context.maxUploadSize)
    }
}
