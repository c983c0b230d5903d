import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Providers
import Sandbox
import Testing

/// The emulator accepts both request encodings Mailgun accepts (§1.1): the
/// OpenAPI's multipart/form-data and the SDK's urlencoded, repeated keys kept.
@Suite struct MailgunEncodingTests {
    static func multipart(_ fields: [(String, String)], boundary: String) -> Data {
        var s = ""
        for (k, v) in fields {
            s += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n"
        }
        s += "--\(boundary)--\r\n"
        return Data(s.utf8)
    }

    @Test func multipartRouteCreateKeepsRepeatedActions() async throws {
        try await MailSandbox.withMailgun { _, mg, _ in
            var request = URLRequest(url: mg.baseURL.appendingPathComponent("v3/routes"))
            request.httpMethod = "POST"
            request.setValue("Basic " + Data("api:\(MailSandbox.apiKey)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
            request.setValue("multipart/form-data; boundary=XyZ123", forHTTPHeaderField: "Content-Type")
            request.httpBody = Self.multipart([("priority", "5"), ("description", "multipart route"),
                                               ("expression", #"match_recipient("^a@m\.example$")"#),
                                               ("action", #"forward("x@y.example")"#), ("action", "stop()")], boundary: "XyZ123")
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let created = try JSONDecoder().decode(MailgunRouteResponse.self, from: data)
            #expect(created.route.actions == [#"forward("x@y.example")"#, "stop()"])
            #expect(created.route.priority == 5)
            // And the client (urlencoded) reads it back identically.
            #expect(try await mg.getRoute(created.route.id) == created.route)
        }
    }
}
