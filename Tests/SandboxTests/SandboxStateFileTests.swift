import Foundation
import Testing
@testable import Sandbox

/// The world file is assembled from the services' own JSON and cut back into
/// it byte for byte (no re-serialisation): the parts survive whatever they hold.
@Suite struct SandboxStateFileTests {
    @Test func partsRoundTripByteForByte() throws {
        let parts: [String: Data] = [
            "porkbun": Data(#"{"domains":{"a.com":{"records":[{"content":"v=spf1 include:x ~all","id":1}]}},"nextID":7}"#.utf8),
            // Braces, brackets, commas and escaped quotes inside strings; nested arrays; a backslash at a string's end.
            "mailgun-us": Data(#"{"routes":[{"actions":["forward(\"a@b.c\")","stop()"],"expression":"match_recipient(\"^a\\.b$\")","x":"}],{"}],"s":"end\\"}"#.utf8),
            "zoho": Data("[1, 2.5, true, null, \"ü}\"]".utf8),
            "telegram-like": Data("42".utf8),
            "quoted \"key\"": Data("{}".utf8),
        ]
        let file = try WorldStateFile.encode(parts)
        // Valid JSON that any tool can read…
        let object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
        #expect(Set(object.keys) == Set(parts.keys))
        // …and cut back into exactly the bytes each service wrote.
        #expect(try WorldStateFile.decode(file, path: "w.json") == parts)
        // Whitespace a person may add by hand does not matter.
        let spaced = Data("  {\n  \"a\" :  {\"k\": [1, {\"z\": \"}\"}]} ,\n \"b\":\"x\" \t}\n".utf8)
        #expect(try WorldStateFile.decode(spaced, path: "w.json") == ["a": Data("{\"k\": [1, {\"z\": \"}\"}]}".utf8), "b": Data("\"x\"".utf8)])
    }

    @Test func damagedFilesAreRefusedWithThePath() {
        for bad in ["", "[1,2]", "{\"porkbun\": {", "not json"] {
            let e = #expect(throws: SandboxStateError.self) { try WorldStateFile.decode(Data(bad.utf8), path: "/tmp/w.json") }
            #expect(e?.description.hasPrefix("/tmp/w.json: ") == true)
        }
    }
}
