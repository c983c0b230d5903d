/// `namecheap.users.getPricing` (Namecheap API docs, users/get-pricing):
/// `ProductType` (required), `ProductCategory`, `ActionName`, `ProductName`.
/// The answer nests ProductType → ProductCategory (named after the action:
/// `REGISTER`, `RENEW`, …) → Product (the TLD, lower-case) → one `Price` per
/// duration, every amount a decimal string in USD.
extension NamecheapEmulator {
    static let pricingActions = ["REGISTER", "RENEW", "REACTIVATE", "TRANSFER"]

    func getPricing(_ p: [String: String]) throws -> String {
        guard let type = p["producttype"]?.uppercased(), !type.isEmpty else {
            // The docs give no number for this; 2050900 is the one seen for other invalid input (B4).
            throw Failure(number: "2050900", text: "Parameter ProductType is missing")
        }
        // Only domains are sold in the sandbox: another product type has no categories.
        guard type == "DOMAIN" else { return "<UserGetPricingResult><ProductType Name=\"\(Self.esc(type))\" /></UserGetPricingResult>" }
        // Older docs put the action in ProductCategory; newer ones in ActionName (category DOMAINS).
        let action = (p["actionname"] ?? p["productcategory"])?.uppercased()
        let actions = Self.pricingActions.filter { action == nil || action == "DOMAINS" || $0 == action }
        let product = p["productname"]?.lowercased()
        let table = prices.value.filter { product == nil || $0.key == product }.sorted { $0.key < $1.key }
        let categories = actions.map { a -> String in
            let products = table.map { tld, price -> String in
                let yearly: String = switch a {
                case "REGISTER": price.registration
                case "TRANSFER": price.transfer
                default: price.renewal
                }
                // A transfer is one year; the others are also sold for two.
                let durations = a == "TRANSFER" ? [1] : [1, 2]
                let rows = durations.map { years -> String in
                    let amount = Self.times(yearly, years)
                    return "<Price Duration=\"\(years)\" DurationType=\"YEAR\" Price=\"\(amount)\" RegularPrice=\"\(amount)\" YourPrice=\"\(amount)\" CouponPrice=\"\" Currency=\"USD\" />"
                }.joined()
                return "<Product Name=\"\(Self.esc(tld))\">\(rows)</Product>"
            }.joined()
            return "<ProductCategory Name=\"\(a)\">\(products)</ProductCategory>"
        }.joined()
        return "<UserGetPricingResult><ProductType Name=\"DOMAIN\">\(categories)</ProductType></UserGetPricingResult>"
    }

    /// `"18.48"` × years, two decimals, without going through binary floating point.
    static func times(_ decimal: String, _ years: Int) -> String {
        let parts = decimal.split(separator: ".", maxSplits: 1)
        let whole = Int(parts.first ?? "0") ?? 0
        var frac = parts.count > 1 ? String(parts[1].prefix(2)) : "0"
        while frac.count < 2 { frac += "0" }
        let cents = (whole * 100 + (Int(frac) ?? 0)) * years
        let c = cents % 100
        return "\(cents / 100).\(c < 10 ? "0" : "")\(c)"
    }
}
