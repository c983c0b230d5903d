import App
import ArgumentParser
import Foundation
import Reconciler

extension FleetSession {
    /// Prints to stdout with every secret value redacted.
    func out(_ text: String) { FileHandle.standardOutput.write(Data(redactor.scrub(text).utf8)) }
    func err(_ text: String) { stderr(redactor.scrub(text)) }

    /// The domains `plan` could not read, on stderr once per account and
    /// reason: for the formats whose stdout is read by a machine.
    func errUnread(_ plan: Plan) {
        for u in plan.unread { err("not read (account \(u.account)): \(u.reason): \(u.domains.joined(separator: ", "))\n") }
    }

    func render(_ plan: Plan, _ format: PlanFormat, title: String = "reconcile plan") throws -> String {
        switch format {
        case .text: TextRenderer(colour: isatty(1) != 0).render(plan)
        case .markdown: MarkdownRenderer(safety: safetyPolicy(allowDestructive: false), title: title).render(plan)
        case .json: try JSONRenderer().render(plan) + "\n"
        }
    }
}

/// Opens a session, runs `body` through the error funnel (secrets redacted)
/// and always closes the session; a non-zero code becomes the exit code.
func withSession(_ options: FleetOptions, request: FleetSession.Request? = nil,
                 _ body: (FleetSession) async throws -> Int32) async throws {
    try await withSession(request: request ?? options.request, body)
}

/// The same for a command with options of its own (`explain`).
func withSession(request: FleetSession.Request, _ body: (FleetSession) async throws -> Int32) async throws {
    let session = try await funnel { try await FleetSession.open(request) }
    let code: Int32
    do { code = try await funnel(redact: session.redactor.scrub) { try await body(session) } } catch {
        await session.close()
        throw error
    }
    await session.close()
    if code != 0 { throw ExitCode(code) }
}
