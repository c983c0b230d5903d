import Foundation
import Testing
@testable import Providers

/// XMLTree reads Namecheap's answers without FoundationXML; these pin the behaviour it had with
/// libxml2 (names without prefix, decoded entities, own trimmed text) and that anything not
/// well-formed is refused rather than half-read (libxml2 let some through as truncated trees).
@Suite struct XMLTreeTests {
    static func parse(_ s: String) -> XMLTree? { XMLTree.parse(Data(s.utf8)) }

    @Test func recordedGetHostsAnswer() throws {
        let root = try #require(Self.parse(NamecheapRecordedBodiesTests.getHosts))
        #expect(root.name == "ApiResponse")
        #expect(root.attributes == ["Status": "OK", "xmlns": "http://api.namecheap.com/xml.response"])
        #expect(root.children.map(\.name) == ["Errors", "Warnings", "RequestedCommand", "CommandResponse", "Server", "GMTTimeDifference", "ExecutionTime"])
        #expect(root.text == "")
        #expect(root.child("errors")?.children.isEmpty == true)
        #expect(root.child("RequestedCommand")?.text == "namecheap.domains.dns.gethosts")
        #expect(root.child("GMTTimeDifference")?.text == "--4:00")
        let result = try #require(root.child("CommandResponse")?.child("DomainDNSGetHostsResult"))
        #expect(result.attribute("emailtype") == "MX")
        let hosts = result.all("Host")
        #expect(hosts.map { $0.attribute("HostId") } == ["1001", "1002", "1003", "1004", "1005"])
        #expect(hosts[3].attributes["Address"] == "v=spf1 include:mailgun.org ~all")
        #expect(hosts[4].attributes["AssociatedAppTitle"] == "URL Forwarding")
        #expect(hosts[0].attributes["FriendlyName"] == "")
        #expect(hosts[0].attributes.count == 10)
    }

    @Test func largeGeneratedGetHostsAnswer() throws {
        let rows = (1...100).map { n in
            #"<host HostId="\#(n)" Name="h\#(n)" Type="TXT" Address="v=spf1 a:&quot;\#(n)&quot; ~all" MXPref="10" TTL="1800" />"#
        }.joined(separator: "\n")
        let doc = #"<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response"><CommandResponse><DomainDNSGetHostsResult Domain="example.com">"#
            + rows + "</DomainDNSGetHostsResult></CommandResponse></ApiResponse>"
        let hosts = try #require(Self.parse(doc)?.child("CommandResponse")?.child("DomainDNSGetHostsResult")).all("host")
        #expect(hosts.count == 100)
        #expect(hosts[99].attribute("Address") == #"v=spf1 a:"100" ~all"#)
        #expect(hosts[41].attribute("Name") == "h42")
    }

    @Test func namespacePrefixesDropFromElementsNotAttributes() throws {
        let root = try #require(Self.parse(#"""
            <nc:ApiResponse xmlns:nc="http://api.namecheap.com/xml.response" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <nc:Errors/><x:Item xmlns:x="urn:x" x:Id="7" xsi:nil="true">v</x:Item>
            </nc:ApiResponse>
            """#))
        #expect(root.name == "ApiResponse")
        #expect(root.attributes == ["xmlns:nc": "http://api.namecheap.com/xml.response", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"])
        #expect(root.children.map(\.name) == ["Errors", "Item"])
        #expect(root.child("item")?.attributes == ["xmlns:x": "urn:x", "x:Id": "7", "xsi:nil": "true"])
        #expect(root.child("Item")?.text == "v")
    }

    @Test func entitiesAndCharacterReferencesDecode() throws {
        let root = try #require(Self.parse(#"<a t="1 &amp; 2 &lt;3&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#xe9;">x &amp; y &#x1F600; &lt;b&gt; &#233;</a>"#))
        #expect(root.attribute("t") == #"1 & 2 <3> "q" 's' ABé"#)
        #expect(root.text == "x & y 😀 <b> é")
        #expect(Self.parse(#"<a t='say "hi"' u="it's"/>"#)?.attributes == ["t": #"say "hi""#, "u": "it's"])
    }

    @Test func literalTabsAndLineBreaksInAttributesBecomeSpaces() throws {
        let root = try #require(Self.parse("<a v=\"a\tb\nc\r\nd&#10;e&#9;f&#13;\"/>"))
        #expect(root.attribute("v") == "a b c d\ne\tf\r")
    }

    /// The FoundationXML reader dropped CDATA (XMLParser hands it to a delegate method it lacked).
    @Test func cdataIsTextVerbatim() throws {
        let root = try #require(Self.parse("<a> pre <![CDATA[<b>&amp;</b> ]]]]> post </a>"))
        #expect(root.text == "pre <b>&amp;</b> ]] post")
        #expect(root.children.isEmpty)
    }

    @Test func declarationCommentsAndProcessingInstructionsAreSkipped() throws {
        let root = try #require(Self.parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- before --><?app data?>
            <a>x<!-- y -->z<?p q?><!----><b/></a>
            <!-- after --><?app?>

            """))
        #expect(root.name == "a" && root.text == "xz" && root.children.map(\.name) == ["b"])
    }

    @Test func declarationVariants() {
        #expect(Self.parse("<?xml version='1.0' standalone='yes' ?><a/>")?.name == "a")
        #expect(Self.parse("<?xml version=\"1.1\" encoding=\"UTF-8\"?>\n<a/>")?.name == "a")
        #expect(Self.parse("<?xml-stylesheet href=\"s.xsl\"?><a/>")?.name == "a")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let root = try #require(XMLTree.parse(Data([0xEF, 0xBB, 0xBF] + Array(#"<?xml version="1.0"?><a>x</a>"#.utf8))))
        #expect(root.name == "a" && root.text == "x")
    }

    @Test func selfClosingElements() throws {
        let root = try #require(Self.parse(#"<a><b/><b x="1" /><c></c><d\#n/></a>"#))
        #expect(root.children.map(\.name) == ["b", "b", "c", "d"])
        #expect(root.all("b").map(\.attributes) == [[:], ["x": "1"]])
        #expect(root.children.allSatisfy { $0.children.isEmpty && $0.text.isEmpty })
        #expect(Self.parse("<a/>")?.name == "a")
    }

    @Test func textIsOwnTrimmedAndLineEndsNormalised() throws {
        let root = try #require(Self.parse("<a>\n  x<b> inner </b> <c/>y \u{A0}\r\n</a>"))
        #expect(root.text == "x y")
        #expect(root.child("b")?.text == "inner")
        #expect(Self.parse("<a>\r\n line1\r\nline2\rline3\t</a>")?.text == "line1\nline2\nline3")
        #expect(Self.parse("<a>\u{3000}\u{A0} </a>")?.text == "")
    }

    static let malformed: [String] = [
        "<a>&nbsp;</a>",                              // unknown entity
        "<a v=\"&copy;\"/>",
        "<a>&amp</a>",
        "<a>&#0;</a>",                                // not an XML character
        "<a>&#xD800;</a>",
        "<a>&#x110000;</a>",
        "<a>&#X41;</a>",                              // the x must be lower case
        "<a>&#;</a>",
        "<a>&#12a;</a>",
        "<a><b></a></b>",                             // mismatched
        "<a></A>",
        "<a><b></b>",                                 // unclosed
        "<a x=\"1\"",
        "<a>x</a>y",                                  // text after the root
        "<a/><b/>",                                   // a second root
        "<a x=\"1\" x=\"2\"/>",                       // duplicate attribute
        "",                                           // no root
        "  \n",
        "<?xml version=\"1.0\"?>",
        "<!-- only a comment -->",
        "<a x=1/>",                                   // unquoted
        "<a x=\"1\"y=\"2\"/>",                        // attributes need a space between them
        "<a x=\"<\"/>",                               // < in an attribute value
        "<!DOCTYPE a><a/>",                           // no DTDs, hence no entity expansion
        "<!DOCTYPE a [<!ENTITY e \"E\">]><a>&e;</a>",
        "<a>]]></a>",
        "<a><!-- a -- b --></a>",
        " <?xml version=\"1.0\"?><a/>",               // the declaration only opens a document
        "<a><?xml version=\"1.0\"?></a>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
        "<?xml encoding=\"utf-8\"?><a/>",            // the version comes first and is required
        "<?xml encoding=\"utf-8\" version=\"1.0\"?><a/>",
        "<?xml version=\"2.0\"?><a/>",
        "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>",
        "<?xml version=\"1.0\"encoding=\"utf-8\"?><a/>",
        "<a>\u{1}</a>",
        "<a></a b>",
        "< a/>",
        "<1a/>",
        "text",
    ]

    @Test(arguments: malformed) func malformedDocumentsAreRefused(_ doc: String) {
        #expect(Self.parse(doc) == nil)
    }

    @Test func nestingDeeperThanTheLimitIsRefused() {
        func nested(_ n: Int) -> String { String(repeating: "<a>", count: n) + String(repeating: "</a>", count: n) }
        #expect(Self.parse(nested(XMLScanner.maxDepth)) != nil)
        #expect(Self.parse(nested(XMLScanner.maxDepth + 1)) == nil)
        #expect(Self.parse(nested(100_000)) == nil)
    }

    @Test func invalidUTF8IsRefused() {
        #expect(XMLTree.parse(Data(Array("<a>".utf8) + [0xFF] + Array("</a>".utf8))) == nil)
        #expect(XMLTree.parse(Data(Array("<a v=\"".utf8) + [0xC3] + Array("\"/>".utf8))) == nil)
        #expect(XMLTree.parse(Data(Array("<a>".utf8) + [0xF0, 0x9F, 0x98] + Array("</a>".utf8))) == nil)
    }
}
