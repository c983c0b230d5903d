import Foundation
import Testing
@testable import Providers

/// Checks every window of `windows` over the granted slot times.
private func violations(_ slots: [Double], _ windows: [RateWindow]) -> Int {
    let s = slots.sorted()
    var bad = 0
    for w in windows {
        var lo = 0
        for hi in s.indices {
            while s[hi] - s[lo] >= w.seconds { lo += 1 }
            if hi - lo + 1 > w.limit { bad += 1 }
        }
    }
    return bad
}

@Suite struct HTTPRateBudgetTests {
    @Test func porkbunSpacesRequestsOnePerSecond() async throws {
        let clock = VirtualClock()
        let budget = RateBudget.porkbun(clock: clock)
        var slots: [Double] = []
        for _ in 0..<10 { try await budget.acquire(); slots.append(clock.now()) }
        #expect(slots[0] == 0)
        for i in 1..<slots.count { #expect(slots[i] - slots[i - 1] >= 1.0) }
        #expect(violations(slots, budget.windows) == 0)
        // 10 requests at 1/s need at least 9 s, and the budget wastes little more.
        #expect(slots.last! >= 9 && slots.last! < 9.5)
    }

    @Test func namecheapEnforcesMinuteHourAndDayAtOnce() async throws {
        let clock = VirtualClock()
        let budget = RateBudget.namecheap(clock: clock)
        var slots: [Double] = []
        for _ in 0..<1500 { slots.append(try await budget.reserve()) }
        #expect(violations(slots, budget.windows) == 0)
        // The first 20 go at once; the 21st waits a full minute.
        #expect(slots[19] == 0)
        #expect(slots[20] >= 60)
        // The 701st must wait for the hour window, not just the minute window.
        #expect(slots[700] >= 3600)
        #expect(slots[699] < 3600)
    }

    @Test func dayWindowBindsAfter8000() async throws {
        let clock = VirtualClock()
        let budget = RateBudget(windows: [RateWindow(limit: 700, seconds: 3600), RateWindow(limit: 8000, seconds: 86400)], clock: clock)
        var slots: [Double] = []
        for _ in 0..<8001 { slots.append(try await budget.reserve()) }
        #expect(violations(slots, budget.windows) == 0)
        #expect(slots[8000] >= 86400)
    }

    @Test func concurrentCallersShareOneBudget() async throws {
        let clock = VirtualClock()
        let budget = RateBudget(windows: [RateWindow(limit: 3, seconds: 10)], clock: clock)
        let slots = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<30 { group.addTask { try await budget.acquire(); return clock.now() } }
            var out: [Double] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(slots.count == 30)
        #expect(await budget.granted == 30)
        // The virtual clock jumps to each caller's slot; the booked slots themselves
        // are what the windows must respect.
        let booked = clock.recordedSleeps.count
        #expect(booked > 0)
        #expect(slots.max()! >= 90)
    }

    @Test func pauseBlocksEveryoneUntilItEnds() async throws {
        let clock = VirtualClock()
        let budget = RateBudget.porkbun(clock: clock)
        try await budget.acquire()
        await budget.pause(for: 30)
        try await budget.acquire()
        #expect(clock.now() >= 30)
    }

    @Test func unlimitedNeverWaits() async throws {
        let clock = VirtualClock()
        let budget = RateBudget.unlimited(clock: clock)
        for _ in 0..<100 { try await budget.acquire() }
        #expect(clock.now() == 0)
        #expect(clock.recordedSleeps.isEmpty)
    }

    @Test func backoffIsJitteredExponentialAndCapped() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 1, maxDelay: 8, totalBudget: 100)
        let random = SeededRandom(seed: 7)
        for attempt in 1...6 {
            let cap = min(8, pow2(attempt - 1))
            let d = policy.delay(afterAttempt: attempt, random: random)
            #expect(d >= cap / 2 && d <= cap)
        }
    }

    @Test func retryAfterParsesSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RetryAfter.seconds("7", now: now) == 7)
        #expect(RetryAfter.seconds(nil, now: now) == nil)
        let later = RetryAfter.seconds("Fri, 15 Jan 2027 08:00:10 GMT", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(later != nil)
        #expect(RetryAfter.seconds("garbage", now: now) == nil)
    }
}

private func pow2(_ n: Int) -> Double { Double(1 << n) }
