import CAres
import DNSRecords
import Foundation

/// Turns one c-ares answer into records with c-ares' own parsers (no wire
/// parsing of ours). c-ares' MX, TXT, NS and CAA parsers drop the TTL, so
/// every record carries TTL 0: the check compares values, never TTLs.
enum AresReply {
    /// RFC 1035 / 3596 / 8659 type codes for the types the fleet manages.
    static func code(_ type: RecordType) -> Int32 {
        switch type {
        case .A: 1
        case .NS: 2
        case .CNAME: 5
        case .MX: 15
        case .TXT: 16
        case .AAAA: 28
        case .CAA: 257
        }
    }

    static func answer(_ q: DNSQuestion, status: Int32, abuf: UnsafePointer<UInt8>?, alen: Int32,
                       server: DNSServer) -> DNSAnswer {
        switch status {
        case ARES_SUCCESS:
            guard let abuf else { return .unknown("\(server): empty answer") }
            return parse(q, abuf, alen, server: server)
        case ARES_ENODATA: return .records([])
        case ARES_ENOTFOUND: return .nxdomain
        case ARES_ESERVFAIL: return .unknown("\(server): SERVFAIL")
        case ARES_EREFUSED: return .unknown("\(server): REFUSED")
        case ARES_ETIMEOUT: return .unknown("\(server): timed out")
        case ARES_ECONNREFUSED: return .unknown("\(server): connection refused")
        case ARES_ENOTIMP: return .unknown("\(server): NOTIMP")
        case ARES_EFORMERR: return .unknown("\(server): FORMERR")
        default: return .unknown("\(server): \(String(cString: ares_strerror(status)))")
        }
    }

    private static func parse(_ q: DNSQuestion, _ abuf: UnsafePointer<UInt8>, _ alen: Int32, server: DNSServer) -> DNSAnswer {
        var records: [DNSRecord] = []
        let rc: Int32
        switch q.type {
        case .A:
            var ttls = [ares_addrttl](repeating: ares_addrttl(), count: 256)
            var n: Int32 = 256
            rc = ares_parse_a_reply(abuf, alen, nil, &ttls, &n)
            if rc == ARES_SUCCESS {
                for t in ttls.prefix(Int(n)) {
                    var addr = t.ipaddr
                    records.append(DNSRecord(name: q.name, type: .A, ttl: Int(t.ttl), value: ntop(AF_INET, &addr, 16)))
                }
            }
        case .AAAA:
            var ttls = [ares_addr6ttl](repeating: ares_addr6ttl(), count: 256)
            var n: Int32 = 256
            rc = ares_parse_aaaa_reply(abuf, alen, nil, &ttls, &n)
            if rc == ARES_SUCCESS {
                for t in ttls.prefix(Int(n)) {
                    var addr = t.ip6addr
                    records.append(DNSRecord(name: q.name, type: .AAAA, ttl: Int(t.ttl), value: ntop(AF_INET6, &addr, 46)))
                }
            }
        case .MX:
            var head: UnsafeMutablePointer<ares_mx_reply>?
            rc = ares_parse_mx_reply(abuf, alen, &head)
            var p = head
            while let mx = p {
                records.append(DNSRecord(name: q.name, type: .MX, ttl: 0, priority: Int(mx.pointee.priority),
                                         value: String(cString: mx.pointee.host)))
                p = mx.pointee.next
            }
            if let head { ares_free_data(head) }
        case .TXT:
            var head: UnsafeMutablePointer<ares_txt_ext>?
            rc = ares_parse_txt_reply_ext(abuf, alen, &head)
            // A record of several character-strings is one logical string:
            // chunks after the first have record_start 0.
            var chunks: [[UInt8]] = []
            var p = head
            while let t = p {
                let bytes = [UInt8](UnsafeBufferPointer(start: t.pointee.txt, count: t.pointee.length))
                if t.pointee.record_start != 0 || chunks.isEmpty { chunks.append(bytes) } else { chunks[chunks.count - 1] += bytes }
                p = t.pointee.next
            }
            if let head { ares_free_data(head) }
            records = chunks.map { DNSRecord(name: q.name, type: .TXT, ttl: 0, value: String(decoding: $0, as: UTF8.self)) }
        case .NS:
            var host: UnsafeMutablePointer<hostent>?
            rc = ares_parse_ns_reply(abuf, alen, &host)
            if let h = host {
                var i = 0
                while let alias = h.pointee.h_aliases?[i] {
                    records.append(DNSRecord(name: q.name, type: .NS, ttl: 0, value: String(cString: alias)))
                    i += 1
                }
                ares_free_hostent(h)
            }
        case .CNAME:
            // No CNAME parser in c-ares: its A parser follows the alias chain
            // and names the canonical target in h_name.
            var host: UnsafeMutablePointer<hostent>?
            rc = ares_parse_a_reply(abuf, alen, &host, nil, nil)
            if let h = host {
                let target = String(cString: h.pointee.h_name)
                if DomainName.normalize(target) != q.name {
                    records.append(DNSRecord(name: q.name, type: .CNAME, ttl: 0, value: target))
                }
                ares_free_hostent(h)
            }
        case .CAA:
            var head: UnsafeMutablePointer<ares_caa_reply>?
            rc = ares_parse_caa_reply(abuf, alen, &head)
            var p = head
            while let c = p {
                let tag = String(decoding: UnsafeBufferPointer(start: c.pointee.property, count: c.pointee.plength), as: UTF8.self)
                let value = String(decoding: UnsafeBufferPointer(start: c.pointee.value, count: c.pointee.length), as: UTF8.self)
                records.append(DNSRecord(name: q.name, type: .CAA, ttl: 0, value: "\(c.pointee.critical) \(tag) \"\(value)\""))
                p = c.pointee.next
            }
            if let head { ares_free_data(head) }
        }
        switch rc {
        case ARES_SUCCESS: return .records(records)
        case ARES_ENODATA: return .records([])
        default: return .unknown("\(server): unreadable \(q.type.rawValue) answer (\(String(cString: ares_strerror(rc))))")
        }
    }

    private static func ntop(_ family: Int32, _ addr: UnsafeRawPointer, _ size: Int) -> String {
        var buf = [CChar](repeating: 0, count: size)
        guard inet_ntop(family, addr, &buf, socklen_t(size)) != nil else { return "" }
        return String(cString: buf)
    }
}
