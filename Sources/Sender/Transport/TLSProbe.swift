import CCurl
import Foundation
import Providers

/// libcurl's own code for connecting to a URL's host and completing TLS,
/// sending no request. Foundation on Linux reports a certificate that does
/// not verify only as URLError -1 (its code for a libcurl failure it has no
/// mapping for), so the Mailgun transport asks libcurl the same question
/// again to tell a wrong CA from a dropped connection by code, not by text.
enum TLSProbe {
    /// 0: the host resolves and its certificate verifies; else a CURLcode (6, 60, …).
    static func curlCode(url: String, timeout: Int = 10) async -> Int {
        // curl_easy_perform blocks: off the cooperative pool.
        await onOwnThread("tls-probe") {
            guard let h = curl_easy_init() else { return -1 }
            defer { curl_easy_cleanup(h) }
            ccurl_setopt_string(h, CURLOPT_URL, url)
            ccurl_setopt_long(h, CURLOPT_CONNECT_ONLY, 1)
            ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            ccurl_setopt_long(h, CURLOPT_TIMEOUT, timeout)
            return Int(curl_easy_perform(h).rawValue)
        }
    }
}
