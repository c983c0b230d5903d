import Foundation

/// RFC 4180 records read from a file in 64 KiB chunks, so a list of a million
/// rows never sits in memory whole. Fields are checked to be UTF-8; a record
/// longer than `maxRecordBytes` stops the read (a missing closing quote would
/// otherwise swallow the rest of the file).
struct CSVRecordReader: ~Copyable {
    struct Failure: Error {
        var line: Int
        var message: String
    }

    static let maxRecordBytes = 1 << 20

    private let fd: Int32
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    private var count = 0
    private var index = 0
    private var atStart = true
    private var line = 1
    /// Set after a CR so that the LF of a CRLF is not another line.
    private var afterCR = false
    /// The field being read, kept between records so its storage is reused.
    private var field: [UInt8] = []
    /// The previous record's field count: the next record's array is sized for it.
    private var width = 0

    init(path: String) throws(Failure) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(line: 0, message: "cannot read: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// The next record with the line it starts on; nil at the end of the file.
    /// Invalid UTF-8 in a field is returned as nil in that field's place.
    mutating func next() throws(Failure) -> (line: Int, fields: [String?])? {
        var fields: [String?] = []
        fields.reserveCapacity(width)
        field.removeAll(keepingCapacity: true)
        defer { width = fields.count }
        var quoted = false, wasQuoted = false
        var size = 0
        // Blank lines come back as one empty field; the caller skips them.
        guard try peek() != nil else { return nil }
        let start = line
        while let c = try peek() {
            index += 1
            size += 1
            if size > Self.maxRecordBytes {
                throw Failure(line: start, message: "row is longer than \(Self.maxRecordBytes >> 20) MiB\(quoted ? " (a quoted field is never closed?)" : "")")
            }
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if try peek() == UInt8(ascii: "\"") { index += 1; field.append(c) } else { quoted = false }
                } else {
                    if c == 0x0A { if !afterCR { line += 1 } } else if c == 0x0D { line += 1 }
                    afterCR = c == 0x0D
                    field.append(c)
                }
                continue
            }
            let wasCR = afterCR
            afterCR = false
            switch c {
            case UInt8(ascii: "\"") where field.isEmpty && !wasQuoted:
                quoted = true; wasQuoted = true
            case UInt8(ascii: ","):
                fields.append(Self.text(field)); field.removeAll(keepingCapacity: true); wasQuoted = false
            case 0x0A where wasCR && fields.isEmpty && field.isEmpty && size == 1:
                // The LF of a CRLF that ended the previous record.
                size = 0
            case 0x0A, 0x0D:
                afterCR = c == 0x0D
                line += 1
                fields.append(Self.text(field))
                return (start, fields)
            default:
                field.append(c)
            }
        }
        if quoted { throw Failure(line: start, message: "unterminated quoted field") }
        if size == 0 { return nil }
        fields.append(Self.text(field))
        return (start, fields)
    }

    private static func text(_ bytes: [UInt8]) -> String? {
        // ASCII needs no validating, and the validating initializer is generic
        // code that looked up type metadata for every field of a million rows.
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private mutating func peek() throws(Failure) -> UInt8? {
        if index == count {
            count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            index = 0
            guard count >= 0 else {
                count = 0
                throw Failure(line: line, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return nil }
            // A UTF-8 byte-order mark opens some exported files.
            if atStart, count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { index = 3 }
            atStart = false
            if index == count { return try peek() }
        }
        return chunk[index]
    }
}
