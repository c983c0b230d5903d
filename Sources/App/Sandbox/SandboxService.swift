import Foundation
import Sandbox
import ServiceLifecycle

/// A started sandbox world as a `Service`: it runs until the group shuts
/// down, then saves the world and stops the emulators.
public struct SandboxService: Service {
    public let world: SandboxWorld
    /// Also saved here every two seconds, so even a SIGKILL loses at most that much.
    public let statePath: String?

    public init(world: SandboxWorld, statePath: String?) {
        self.world = world
        self.statePath = statePath
    }

    public func run() async {
        let world = self.world, statePath = self.statePath
        _ = try? await cancelWhenGracefulShutdown { () async throws -> Void in
            while true {
                try await Task.sleep(nanoseconds: 2_000_000_000)
                if let statePath { try? world.saveState(to: statePath) }
            }
        }
        await world.stop()
    }
}
