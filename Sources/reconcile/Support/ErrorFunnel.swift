import ArgumentParser
import Foundation
import Inventory

/// The one place an error becomes output. Every command body runs inside
/// it: an invalid inventory prints each problem located (FILE:LINE:COL:
/// path: message) and a count; any other refusal prints `error: …` with
/// secrets redacted; both exit 1. Usage errors stay ArgumentParser's
/// (usage text, exit 64).
func funnel<T>(redact: (String) -> String = { $0 }, _ body: () async throws -> T) async throws -> T {
    do { return try await body() }
    catch let e as ExitCode { throw e }
    catch let e as ValidationError { throw e }
    catch let e as InventoryError {
        stderr(inventoryErrorText(e))
        throw ExitCode.failure
    } catch {
        stderr(redact("error: \(error)\n"))
        throw ExitCode.failure
    }
}

/// Errors, then warnings, then `N errors`.
func inventoryErrorText(_ error: InventoryError) -> String {
    var text = error.errors.map(\.description).joined(separator: "\n") + "\n"
    for w in error.warnings { text += "\(w.location): \(w.path): warning: \(w.message)\n" }
    return text + "\(error.errors.count) error\(error.errors.count == 1 ? "" : "s")\n"
}

func stderr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
