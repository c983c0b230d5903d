import CCurl
import Dispatch
import Foundation
import Providers
import Resolver

/// What one `HEAD` got: the status and `Location`, or why there was no answer.
public enum WebAnswer: Sendable, Hashable {
    case answered(status: Int, location: String?)
    /// Refused, unresolvable, timed out, not HTTP: nothing is asserted.
    case unknown(String)
}

/// Where every `HEAD` connects instead of the domain's own address
/// (`--web-via`, the sandbox's forwarding host): the request still names the
/// domain in `Host`, as a browser's does.
public struct WebVia: Sendable, Hashable, CustomStringConvertible {
    public var server: DNSServer

    public init(address: String, port: Int) { server = DNSServer(address: address, port: port) }

    /// `IP:PORT` or `[V6]:PORT`; the port is required (no default fits a test server).
    public init?(parsing text: String) {
        guard let s = DNSServer(parsing: text), text.hasSuffix(":\(s.port)") else { return nil }
        server = s
    }

    public var description: String { server.description }
}

/// `HEAD http://HOST/` through libcurl, redirects not followed: what a
/// visitor's browser gets first from the registrar's forwarding host.
/// `curl_easy_perform` blocks, so each request runs on a thread of its own
/// and at most `concurrency` are in flight.
public struct WebProbe: Sendable {
    public var via: WebVia?
    public var timeoutMilliseconds: Int
    public var concurrency: Int

    public init(via: WebVia? = nil, timeoutMilliseconds: Int = 5_000, concurrency: Int = 32) {
        self.via = via
        self.timeoutMilliseconds = timeoutMilliseconds
        self.concurrency = max(1, concurrency)
    }

    /// Every host's answer, in order.
    public func head(_ hosts: [String]) async -> [WebAnswer] {
        var answers = [WebAnswer](repeating: .unknown("not asked"), count: hosts.count)
        await withTaskGroup(of: (Int, WebAnswer).self) { group in
            var next = 0
            func add() {
                let i = next, host = hosts[i]
                next += 1
                group.addTask { (i, await self.head(host)) }
            }
            while next < min(concurrency, hosts.count) { add() }
            while let done = await group.next() {
                answers[done.0] = done.1
                if next < hosts.count { add() }
            }
        }
        return answers
    }

    /// One retry when there is no answer, as an unanswered DNS query is retried.
    public func head(_ host: String) async -> WebAnswer {
        let first = await attempt(host)
        guard case .unknown = first else { return first }
        return await attempt(host)
    }

    private func attempt(_ host: String) async -> WebAnswer {
        await onOwnThread("web-probe") { blockingHead(host) }
    }

    private final class Headers { var location: String? }

    private func blockingHead(_ host: String) -> WebAnswer {
        guard let h = ccurl_easy_init() else { return .unknown(String(cString: ccurl_init_error())) }
        defer { ccurl_easy_cleanup(h) }
        var connectTo: UnsafeMutablePointer<curl_slist>? = nil
        defer { ccurl_slist_free_all(connectTo) }
        let headers = Headers()
        let box = Unmanaged.passRetained(headers)
        defer { box.release() }
        ccurl_setopt_string(h, CURLOPT_URL, "http://\(host)/")
        ccurl_setopt_long(h, CURLOPT_NOBODY, 1)
        ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        if let via {
            // Any host, any port → the one server; no proxy in between.
            connectTo = ccurl_slist_append(nil, "::\(via.server.description)")
            ccurl_setopt_slist(h, CURLOPT_CONNECT_TO, connectTo)
            ccurl_setopt_string(h, CURLOPT_PROXY, "")
        }
        ccurl_setopt_header_function(h, { buffer, size, nitems, userdata in
            guard let buffer, let userdata else { return 0 }
            let n = size * nitems
            let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: n), as: UTF8.self)
            if let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "location" {
                Unmanaged<Headers>.fromOpaque(userdata).takeUnretainedValue().location =
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return n
        })
        ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, box.toOpaque())
        let rc = ccurl_easy_perform(h)
        guard rc == CURLE_OK else {
            return .unknown("\(String(cString: ccurl_easy_strerror(rc))) (curl \(rc.rawValue))")
        }
        var status = 0
        ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return .answered(status: status, location: headers.location)
    }
}
