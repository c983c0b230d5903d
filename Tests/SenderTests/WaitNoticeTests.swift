import Foundation
import Sender
import Testing

@Suite struct WaitNoticeTests {
    @Test func eachGroupSaysWhatItWaitsForAtMostOnceAMinuteAndNotWhileSending() {
        var n = WaitNotice()
        let t = monday + 10 * 3600
        #expect(n.waiting(group: "g1", now: t, until: monday + 14 * 3600, reason: .window)
                == "waiting: group g1: the sending window opens at 2026-03-02 14:00 UTC")
        #expect(n.waiting(group: "g1", now: t + 59, until: monday + 14 * 3600, reason: .window) == nil)
        // Another group has its own minute.
        #expect(n.waiting(group: "g2", now: t + 1, until: .infinity, reason: .noDemand) == "waiting: group g2: nothing queued")
        #expect(n.waiting(group: "g1", now: t + 60, until: t + 90, reason: .mailboxInterval)
                == "waiting: group g1: mailbox interval until 2026-03-02 10:01 UTC")
        // A group that sent within the minute is between two sends, not waiting.
        n.sent(group: "g1", at: t + 200)
        #expect(n.waiting(group: "g1", now: t + 230, until: t + 240, reason: .groupPause) == nil)
        #expect(n.waiting(group: "g1", now: t + 260, until: t + 290, reason: .groupPause)
                == "waiting: group g1: group pause until 2026-03-02 10:04 UTC")
    }

    @Test func startTimesAreReadWithTheirOffset() {
        let noon = UTCDay.parse("2026-12-12")! + 12 * 3600
        #expect(UTCDay.parseInstant("2026-12-12T12:00Z") == noon)
        #expect(UTCDay.parseInstant("2026-12-12T12:00:00Z") == noon)
        #expect(UTCDay.parseInstant("2026-12-12T13:00+01:00") == noon)
        #expect(UTCDay.parseInstant("2026-12-12") == noon - 12 * 3600)
        #expect(UTCDay.parseInstant("2026-12-12T12:00") == nil, "a time without its zone is ambiguous")
        #expect(UTCDay.parseInstant("next monday") == nil)
        #expect(UTCDay.formatMinute(noon + 59) == "2026-12-12 12:00 UTC")
    }
}
