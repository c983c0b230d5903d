import DNSRecords
import Foundation
@testable import Reconciler
import Testing

/// The ownership table's keys are read without Foundation on the plan's hot
/// path: every key `encode` writes reads back the same as through
/// JSONDecoder, and anything the fast reader does not know goes to JSONDecoder.
@Suite struct OwnershipKeyTests {
    static let keys: [RecordKey] = [
        RecordKey(name: "acme-mail.com", type: .MX, priority: 10, value: "mx.zoho.com."),
        RecordKey(name: "acme-mail.com", type: .MX, priority: -1, value: "x."),
        RecordKey(name: "k1._domainkey.acme-mail.com", type: .TXT, priority: nil, value: "k=rsa; p=MIGf/+=="),
        RecordKey(name: "_dmarc.acme-mail.com", type: .TXT, priority: nil, value: "v=DMARC1; rua=mailto:d@x.com"),
        RecordKey(name: "q.acme-mail.com", type: .TXT, priority: nil, value: "say \"hi\" \\ back\nnow"),
        RecordKey(name: "ü.acme-mail.com", type: .CNAME, priority: nil, value: "ünïcode.example."),
        RecordKey(name: "e.acme-mail.com", type: .TXT, priority: nil, value: ""),
    ]

    @Test(arguments: keys) func everyEncodedKeyReadsBackAsJSONDecoderReadsIt(_ key: RecordKey) throws {
        let stored = try OwnershipKey.encode(key)
        let slow = try JSONDecoder().decode(RecordKey.self, from: Data(stored.utf8))
        #expect(slow == key)
        #expect(try OwnershipKey.decode(stored) == key, "\(stored)")
    }

    @Test func theFastReaderTakesOnlyTheEncodersLayout() throws {
        #expect(OwnershipKey.decodeEncoded(try OwnershipKey.encode(Self.keys[0])) == Self.keys[0])
        // Escaped text, other key orders or spacing: left to JSONDecoder, which still reads them.
        for other in [#"{"name":"a.com","type":"TXT","value":"say \"hi\""}"#,
                      #"{"type":"A","name":"a.com","value":"192.0.2.1"}"#,
                      #"{ "name": "a.com", "type": "A", "value": "192.0.2.1" }"#] {
            #expect(OwnershipKey.decodeEncoded(other) == nil, "\(other)")
            _ = try OwnershipKey.decode(other)
        }
        #expect(throws: (any Error).self) { try OwnershipKey.decode(#"{"name":"a.com","type":"NOPE","value":"x"}"#) }
        #expect(OwnershipKey.decodeEncoded(#"{"name":"a.com","type":"A","value":"x"} "#) == nil)
    }
}
