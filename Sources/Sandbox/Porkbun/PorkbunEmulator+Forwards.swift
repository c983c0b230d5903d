import Foundation

/// Porkbun's URL forwarding (registrars.md A2, "URL forwarding"), written from
/// the documentation: `addUrlForward` (not idempotent, no edit),
/// `getUrlForwarding` (every field a string), `deleteUrlForward/{id}`. A forward
/// is served through a row Porkbun adds itself — an ALIAS at the apex, a CNAME
/// elsewhere — pointing at its forwarding host, visible in `dns/retrieve`.
extension PorkbunEmulator {
    /// Porkbun's forwarding host (the parking rows use `pixie.porkbun.com`).
    static let forwardingHost = "uixie.porkbun.com"

    func addUrlForward(_ domain: String, _ body: [String: Any]) async throws -> [String: Any] {
        let failure = Failure(message: "Unable to add URL forward.")
        let subdomain = "\(body["subdomain"] ?? "")".trimmingCharacters(in: .whitespaces).lowercased()
        let location = "\(body["location"] ?? "")"
        let type = "\(body["type"] ?? "")".lowercased()
        let includePath = "\(body["includePath"] ?? "no")".lowercased()
        let wildcard = "\(body["wildcard"] ?? "no")".lowercased()
        guard location.hasPrefix("http://") || location.hasPrefix("https://"), location.count > 8,
              ["temporary", "permanent"].contains(type), ["yes", "no"].contains(includePath), ["yes", "no"].contains(wildcard)
        else { throw failure }
        try state.withValue { s in
            guard s.domains[domain] != nil else { throw Failure(message: "Invalid domain.") }
            s.nextID += 4
            s.domains[domain]!.forwards = (s.domains[domain]!.forwards ?? []) + [
                .init(id: s.nextID, subdomain: subdomain, location: location, type: type, includePath: includePath, wildcard: wildcard),
            ]
            // The serving row replaces Porkbun's own rows at the name (the parking ALIAS).
            let name = subdomain.isEmpty ? domain : "\(subdomain).\(domain)"
            s.domains[domain]!.records.removeAll {
                $0.name == name && ["ALIAS", "CNAME"].contains($0.type) && $0.content.hasSuffix(".porkbun.com")
            }
            s.nextID += 4
            s.domains[domain]!.records.append(.init(id: s.nextID, name: name, type: subdomain.isEmpty ? "ALIAS" : "CNAME",
                                                    content: Self.forwardingHost, ttl: 600, prio: nil, notes: nil))
        }
        await publish(domain)
        return [:]
    }

    func getUrlForwarding(_ domain: String) -> [String: Any] {
        let forwards: [[String: Any]] = (state.value.domains[domain]?.forwards ?? []).map { f in
            ["id": String(f.id), "subdomain": f.subdomain, "location": f.location, "type": f.type,
             "includePath": f.includePath, "wildcard": f.wildcard]
        }
        return ["forwards": forwards]
    }

    func deleteUrlForward(_ domain: String, id: String) async throws -> [String: Any] {
        try state.withValue { s in
            guard let f = s.domains[domain]?.forwards?.first(where: { String($0.id) == id }) else {
                throw Failure(message: "Invalid URL forward ID.")
            }
            s.domains[domain]!.forwards!.removeAll { $0.id == f.id }
            // The serving row goes with the last forward at its name.
            if !s.domains[domain]!.forwards!.contains(where: { $0.subdomain == f.subdomain }) {
                let name = f.subdomain.isEmpty ? domain : "\(f.subdomain).\(domain)"
                s.domains[domain]!.records.removeAll { $0.name == name && $0.content == Self.forwardingHost }
            }
        }
        await publish(domain)
        return [:]
    }
}
