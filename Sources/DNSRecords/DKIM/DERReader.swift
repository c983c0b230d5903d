/// A minimal DER (X.690) reader: enough to walk an RSA public key. Every read
/// is bounds-checked and returns nil on malformed input, never traps.
struct DERReader {
    struct Element {
        var tag: UInt8
        var content: ArraySlice<UInt8>
    }

    static let sequence: UInt8 = 0x30
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let null: UInt8 = 0x05
    static let objectIdentifier: UInt8 = 0x06

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    /// The next TLV. Only low tag numbers (one tag byte) and definite
    /// lengths of up to 4 length bytes are accepted, as DER requires for keys.
    mutating func next() -> Element? {
        guard let tag = bytes.first else { return nil }
        guard tag & 0x1f != 0x1f else { return nil }
        var i = bytes.index(after: bytes.startIndex)
        guard i < bytes.endIndex else { return nil }
        let first = bytes[i]
        i = bytes.index(after: i)
        var length = 0
        if first & 0x80 == 0 {
            length = Int(first)
        } else {
            let n = Int(first & 0x7f)
            guard n >= 1, n <= 4, bytes.endIndex - i >= n else { return nil }
            for _ in 0..<n { length = length << 8 | Int(bytes[i]); i = bytes.index(after: i) }
            guard length >= 128 else { return nil } // DER: minimal length encoding
        }
        guard bytes.endIndex - i >= length else { return nil }
        let content = bytes[i..<(i + length)]
        bytes = bytes[(i + length)...]
        return Element(tag: tag, content: content)
    }

    mutating func next(tag: UInt8) -> ArraySlice<UInt8>? {
        guard let e = next(), e.tag == tag else { return nil }
        return e.content
    }
}
