import Testing
@testable import DNSRecords

@Suite struct TXTWireTests {
    struct ChunkCase: Sendable, CustomTestStringConvertible {
        var label: String
        var value: String
        var chunkBytes: [Int]
        var testDescription: String { label }
    }

    static let chunkCases: [ChunkCase] = [
        ChunkCase(label: "empty", value: "", chunkBytes: [0]),
        ChunkCase(label: "short", value: "v=spf1 ~all", chunkBytes: [11]),
        ChunkCase(label: "exactly 255", value: String(repeating: "a", count: 255), chunkBytes: [255]),
        ChunkCase(label: "256", value: String(repeating: "a", count: 256), chunkBytes: [255, 1]),
        ChunkCase(label: "2048-bit DKIM size", value: String(repeating: "k", count: 410), chunkBytes: [255, 155]),
        ChunkCase(label: "three chunks", value: String(repeating: "b", count: 600), chunkBytes: [255, 255, 90]),
        // 254 ASCII + "é" (2 bytes) would straddle byte 255: the é moves to the next chunk.
        ChunkCase(label: "2-byte char at the boundary", value: String(repeating: "a", count: 254) + "é" + "z",
                  chunkBytes: [254, 3]),
        // 85 × "€" (3 bytes) = 255 bytes exactly; one more starts a new chunk.
        ChunkCase(label: "3-byte chars", value: String(repeating: "€", count: 86), chunkBytes: [255, 3]),
        // 4-byte emoji: 63 × 4 = 252, the 64th would be 256.
        ChunkCase(label: "4-byte chars", value: String(repeating: "😀", count: 64), chunkBytes: [252, 4]),
    ]

    @Test(arguments: chunkCases)
    func chunking(_ c: ChunkCase) {
        let chunks = TXTWire.chunks(c.value)
        #expect(chunks.map(\.utf8.count) == c.chunkBytes)
        #expect(chunks.joined() == c.value)
        #expect(chunks.allSatisfy { $0.utf8.count <= 255 })
    }

    @Test(arguments: chunkCases)
    func presentationRoundTrip(_ c: ChunkCase) throws {
        let text = TXTWire.presentation(c.value)
        #expect(try TXTWire.parsePresentation(text) == c.value)
        #expect(try TXTWire.parseChunkBytes(text).map(\.count) == c.chunkBytes)
    }

    struct ParseCase: Sendable, CustomTestStringConvertible {
        var text: String
        var logical: String
        var testDescription: String { text }
    }

    static let parseCases: [ParseCase] = [
        ParseCase(text: #""v=DKIM1; k=rsa; " "p=MIIB""#, logical: "v=DKIM1; k=rsa; p=MIIB"),
        ParseCase(text: #"  "a"   "b"  "#, logical: "ab"),
        ParseCase(text: #"unquoted"#, logical: "unquoted"),
        ParseCase(text: #"two words"#, logical: "twowords"),
        ParseCase(text: #""say \"hi\" \\ there""#, logical: #"say "hi" \ there"#),
        ParseCase(text: #""tab\009x""#, logical: "tab\tx"),
        // é = C3 A9, split across two strings by a byte-wise producer
        ParseCase(text: #""caf\195" "\169""#, logical: "café"),
        ParseCase(text: #""""#, logical: ""),
    ]

    @Test(arguments: parseCases)
    func parsing(_ c: ParseCase) throws {
        #expect(try TXTWire.parsePresentation(c.text) == c.logical)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var text: String
        var code: DNSProblem.Code
        var testDescription: String { text }
    }

    static let badCases: [BadCase] = [
        BadCase(text: #""no end"#, code: .unterminatedQuote),
        BadCase(text: #""ends in \"#, code: .invalidEscape),
        BadCase(text: #""\25x""#, code: .invalidEscape),
        BadCase(text: #""\300""#, code: .invalidEscape),
        BadCase(text: #"ab"c""#, code: .unquotedText),
        BadCase(text: "\"" + String(repeating: "x", count: 256) + "\"", code: .txtTooLong),
    ]

    @Test(arguments: badCases)
    func rejects(_ c: BadCase) {
        #expect(throws: DNSProblem.self) { try TXTWire.parsePresentation(c.text) }
        do { _ = try TXTWire.parsePresentation(c.text) } catch { #expect(error.code == c.code) }
    }

    @Test func escapesQuotesAndControls() {
        #expect(TXTWire.presentation("a\"b\\c\nd") == #""a\"b\\c\010d""#)
    }
}
