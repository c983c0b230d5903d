import Testing
@testable import Monitor

@Suite struct InboundMessageTests {
    @Test func answersComeFromInReplyToThenFoldedReferencesWithoutRepeats() {
        let m = InboundMessage.parse("In-Reply-To: <b@x>\r\nReferences: <a@x>\r\n <b@x>\r\n\t<c@x>\r\nSubject: Re: hi\r\n")
        #expect(m.answers == ["b@x", "a@x", "c@x"])
        #expect(!m.automatic)
    }

    @Test(arguments: [
        ("Auto-Submitted: auto-replied", true), ("Auto-Submitted: auto-generated; owner-email=x@y", true),
        ("Auto-Submitted: no", false), ("X-Autoreply: yes", true), ("Precedence: auto_reply", true),
        ("Precedence: bulk", true), ("Subject: Out of Office: hello", true), ("Subject: Automatic reply: hi", true),
        ("Subject: Re: out of office plans", false), ("Subject: Re: hello", false),
    ])
    func automaticAnswersAreRecognised(_ header: String, _ automatic: Bool) {
        #expect(InboundMessage.parse("In-Reply-To: <m@x>\n\(header)\n").automatic == automatic)
    }

    @Test func garbageIsNoAnswer() {
        #expect(InboundMessage.parse("In-Reply-To: not an id\nReferences: <>\n\u{0}\n").answers.isEmpty)
        #expect(InboundMessage.parse("").answers.isEmpty)
    }
}

@Suite struct RouteHeaderTests {
    @Test func messageHeadersJSONIsReadLikeAnINBOXHeader() {
        let m = InboundMessage.parse(routeHeaders: #"[["Subject", "Re: hi"], ["In-Reply-To", "<a@x>"], ["References", "<z@x> <a@x>"], ["Auto-Submitted", "no"]]"#)
        #expect(m.answers == ["a@x", "z@x"])
        #expect(!m.automatic)
        #expect(InboundMessage.parse(routeHeaders: #"[["X-Autoreply", "yes"], ["In-Reply-To", "<a@x>"]]"#).automatic)
    }

    @Test func malformedJSONOrInjectedNamesGiveNoAnswer() {
        #expect(InboundMessage.parse(routeHeaders: "not json").answers.isEmpty)
        #expect(InboundMessage.parse(routeHeaders: #"[["In-Reply-To\nX", "<a@x>"], ["References"]]"#).answers.isEmpty)
    }
}
