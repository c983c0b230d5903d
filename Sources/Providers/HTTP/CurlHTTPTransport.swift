import CCurl
import Foundation

/// HTTP over libcurl, which is loaded on the first request (`CCurl`): a plan
/// from the observation cache, `validate` and `status` never load it, nor
/// OpenSSL and the rest it brings. Requests run on threads of their own; idle
/// easy handles are kept for the next request, each with its live
/// connections, and all share one DNS cache and TLS session cache. No
/// cookies (Porkbun sets `BUNSESSION2`, A1), no cache, no redirects followed
/// (an API that redirects is answered as it answered).
public final class CurlHTTPTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var caches: OpaquePointer?   // ccurl_caches, under `lock`
    private var idle: [UnsafeMutableRawPointer] = []   // easy handles, under `lock`
    /// Idle handles kept beyond this are closed.
    private let keepIdle: Int

    public init(keepIdle: Int = 16) { self.keepIdle = keepIdle }

    deinit {
        for h in idle { ccurl_easy_cleanup(h) }
        ccurl_caches_free(caches)
    }

    public func send(_ request: ProviderRequest) async throws(TransportFailure) -> ProviderResponse {
        let abort = AbortFlag()
        // curl_easy_perform blocks: off the cooperative pool.
        let outcome = await withTaskCancellationHandler {
            await onOwnThread("http") { self.perform(request, abort: abort) }
        } onCancel: {
            abort.raise()
        }
        return try outcome.get()
    }

    /// An idle handle (its connections still open) or a new one; made here,
    /// not in `init`, so that making a client loads nothing.
    private func checkOut() -> (handle: UnsafeMutableRawPointer?, caches: OpaquePointer?) {
        let (reused, made) = lock.withLock { () -> (UnsafeMutableRawPointer?, OpaquePointer?) in
            if caches == nil { caches = ccurl_caches_new() }
            return (idle.popLast(), caches)
        }
        return (reused ?? ccurl_easy_init(), made)
    }

    private func checkIn(_ h: UnsafeMutableRawPointer) {
        ccurl_easy_reset(h)
        let kept = lock.withLock { () -> Bool in
            guard idle.count < keepIdle else { return false }
            idle.append(h)
            return true
        }
        if !kept { ccurl_easy_cleanup(h) }
    }

    private func perform(_ request: ProviderRequest, abort: AbortFlag) -> Result<ProviderResponse, TransportFailure> {
        let (handle, caches) = checkOut()
        guard let h = handle else { return .failure(.cannotConnect(String(cString: ccurl_init_error()))) }
        defer { checkIn(h) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { ccurl_slist_free_all(headerList) }
        let sink = ResponseSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }

        ccurl_setopt_caches(h, caches)
        ccurl_setopt_string(h, CURLOPT_URL, request.url.absoluteString)
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        // Some API front ends turn away requests without one; a request's own header wins.
        ccurl_setopt_string(h, CURLOPT_USERAGENT, "reconcile")
        ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(max(0.001, request.timeout) * 1000))
        ccurl_setopt_abort(h, abort.pointer)
        // libcurl silently sends a request again when a kept connection turns
        // out dead with no answer yet, which is how a dropped answer looks:
        // a write that must happen at most once goes on a new connection.
        if !request.idempotent { ccurl_setopt_long(h, CURLOPT_FRESH_CONNECT, 1) }
        switch request.method {
        case "GET": ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": ccurl_setopt_long(h, CURLOPT_NOBODY, 1)
        case "POST": break   // set with the body below, even an empty one
        default: ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method == "POST" || request.body != nil {
            let body = request.body ?? Data()
            ccurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
            if body.isEmpty {
                ccurl_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { ccurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
            }
        }
        // "Expect:" stops libcurl's 100-continue wait on larger bodies.
        for line in request.headers.map({ "\($0.key): \($0.value)" }) + ["Expect:"] {
            headerList = ccurl_slist_append(headerList, line)
        }
        ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        ccurl_setopt_write_function(h, { buffer, size, nitems, userdata in
            guard let userdata else { return 0 }
            let n = size * nitems
            if let buffer { Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue().body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: n) }
            return n
        })
        ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, box.toOpaque())
        ccurl_setopt_header_function(h, { buffer, size, nitems, userdata in
            guard let userdata else { return 0 }
            let n = size * nitems
            if let buffer {
                Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
                    .headerLine(UnsafeRawBufferPointer(start: buffer, count: n))
            }
            return n
        })
        ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, box.toOpaque())

        let rc = ccurl_easy_perform(h)
        guard rc == CURLE_OK else { return .failure(Self.failure(rc)) }
        var status = 0
        ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return .success(ProviderResponse(status: status, headers: sink.headers, body: sink.body))
    }

    /// What a libcurl code says about the attempt. Only the code and
    /// libcurl's fixed text for it, never the URL: it may carry credentials.
    static func failure(_ rc: CURLcode) -> TransportFailure {
        let what = "curl \(rc.rawValue): \(String(cString: ccurl_easy_strerror(rc)))"
        if let fault = ConnectFault(curlCode: Int(rc.rawValue)) { return .cannotConnect(what, fault: fault) }
        switch rc {
        // Nothing left: no connection, no TLS session, or no usable URL.
        case CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .cannotConnect(what)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(what)
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        default: return .connectionLost(what)
        }
    }
}

/// The flag a cancellation raises and the transfer's progress callback reads
/// (an atomic in C); freed when neither the handler nor the thread holds it.
private final class AbortFlag: @unchecked Sendable {
    let pointer = ccurl_abort_new()
    deinit { ccurl_abort_free(pointer) }
    func raise() { if let pointer { ccurl_abort_raise(pointer) } }
}

/// What libcurl hands back during one transfer; touched only by its thread.
private final class ResponseSink {
    var body = Data()
    var headers: [String: String] = [:]

    /// Header lines arrive one at a time; a status line (after a 1xx or a
    /// proxy's answer) starts a new block, whose headers are the ones kept.
    /// Repeated fields are joined with ", " as RFC 9110 allows.
    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") { headers = [:]; return }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if let earlier = headers[name] { headers[name] = earlier + ", " + value } else { headers[name] = value }
    }
}
