import Foundation
import Logging

/// The HTTP layer every provider client shares: rate budget, per-request
/// timeout, retries with jittered exponential backoff for retryable failures
/// only, `Retry-After`, and redacted typed errors.
public struct ProviderHTTPClient: Sendable {
    public let provider: String
    public let transport: any HTTPTransport
    public let budget: RateBudget
    public let retry: RetryPolicy
    public let clock: any FleetClock
    public let random: any RandomSource
    public let redactor: Redactor
    public let classifier: ResponseClassifier
    public let logger: Logger

    public init(provider: String, transport: any HTTPTransport = CurlHTTPTransport(), budget: RateBudget,
                retry: RetryPolicy = RetryPolicy(), clock: any FleetClock = SystemClock(),
                random: any RandomSource = SystemRandom(), redactor: Redactor,
                classifier: ResponseClassifier = .generic, logger: Logger = Logger(label: "reconcile.http")) {
        self.provider = provider
        self.transport = transport
        self.budget = budget
        self.retry = retry
        self.clock = clock
        self.random = random
        self.redactor = redactor
        self.classifier = classifier
        self.logger = logger
    }

    /// Sends `request` until it gets an answer the provider's decoder should see.
    /// Throws `ProviderError` with kind `.outcomeUnknown` when a non-idempotent
    /// request may have been executed, so the caller can re-read before retrying.
    public func send(_ request: ProviderRequest, operation: String, domain: String? = nil) async throws(ProviderError) -> ProviderResponse {
        let started = clock.now()
        var attempt = 0
        while true {
            attempt += 1
            do { try await budget.acquire() } catch let e as RateLedgerError {
                throw self.error(.unsupported, operation, domain, nil, e.description)
            } catch {
                throw self.error(.transient, operation, domain, nil, "cancelled while waiting for the rate budget")
            }
            let outcome: Result<ProviderResponse, TransportFailure>
            do { outcome = .success(try await transport.send(request)) } catch let f { outcome = .failure(f) }

            let reason: String
            var retryAfter: Double? = nil
            var throttled = false
            var status: Int? = nil
            var fault: ConnectFault? = nil
            switch outcome {
            case .success(let response):
                status = response.status
                switch classifier.verdict(for: response, clock: clock) {
                case .accept:
                    return response
                case .retry(let why, let isThrottle, let mayHaveExecuted, let after):
                    reason = why
                    throttled = isThrottle
                    retryAfter = after
                    if isThrottle { await budget.pause(for: after ?? retry.baseDelay) }
                    if mayHaveExecuted && !request.idempotent {
                        throw self.error(.outcomeUnknown, operation, domain, response.status, "\(why); the write may have been applied")
                    }
                }
            case .failure(let failure):
                switch failure {
                case .cancelled:
                    throw self.error(.transient, operation, domain, nil, "cancelled")
                case .cannotConnect(let d, let f):
                    reason = "cannot connect (\(d))"
                    fault = f
                case .timedOut(let d):
                    reason = "timed out after \(request.timeout) s (\(d))"
                    if !request.idempotent {
                        throw self.error(.outcomeUnknown, operation, domain, nil, "\(reason); the write may have been applied")
                    }
                case .connectionLost(let d):
                    reason = "connection lost (\(d))"
                    if !request.idempotent {
                        throw self.error(.outcomeUnknown, operation, domain, nil, "\(reason); the write may have been applied")
                    }
                }
            }

            let wait = retryAfter ?? retry.delay(afterAttempt: attempt, random: random)
            let spent = clock.now() - started
            if attempt >= retry.maxAttempts || spent + wait > retry.totalBudget {
                var e = self.error(throttled ? .rateLimited : .transient, operation, domain, status,
                                   "\(reason); gave up after \(attempt) attempt(s)")
                e.connectFault = fault
                throw e
            }
            logger.debug("retrying", metadata: ["provider": "\(provider)", "operation": "\(redactor.scrub(operation))",
                                                 "attempt": "\(attempt)", "reason": "\(reason)", "wait": "\(wait)"])
            do { try await clock.sleep(seconds: wait) } catch {
                throw self.error(.transient, operation, domain, nil, "cancelled while backing off")
            }
        }
    }

    /// A provider error with this client's provider name and redactor.
    public func error(_ kind: ProviderError.Kind, _ operation: String, _ domain: String?, _ status: Int?,
                      _ message: String, code: String? = nil) -> ProviderError {
        ProviderError(kind: kind, provider: provider, operation: operation, domain: domain, httpStatus: status,
                      code: code, message: message, redactor: redactor)
    }
}
