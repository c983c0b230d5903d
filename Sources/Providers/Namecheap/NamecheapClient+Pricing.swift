/// `namecheap.users.getPricing` (Namecheap API docs, users/get-pricing):
/// ProductType → ProductCategory (named after the action) → Product (the
/// TLD) → one Price per duration. The docs ask to cache the answer; a cost
/// report asks once per TLD.
extension NamecheapClient {
    /// Prices of `action` (`REGISTER`, `RENEW`, `REACTIVATE`, `TRANSFER`) for
    /// domains, optionally only the TLD `product` (`com`).
    public func getDomainPricing(action: String, product: String? = nil) async throws(ProviderError) -> [NamecheapWire.ProductPrice] {
        var params = ["ProductType": "DOMAIN", "ProductCategory": "DOMAINS", "ActionName": action.uppercased()]
        if let product { params["ProductName"] = product.uppercased() }
        let r = try await command("namecheap.users.getPricing", params, domain: nil)
        guard let result = r.child("UserGetPricingResult") else {
            throw http.error(.decoding, "users.getPricing", nil, 200, "no UserGetPricingResult")
        }
        var out: [NamecheapWire.ProductPrice] = []
        for type in result.all("ProductType") {
            for category in type.all("ProductCategory") {
                for p in category.all("Product") {
                    for price in p.all("Price") {
                        out.append(NamecheapWire.ProductPrice(category: (category.attribute("Name") ?? "").uppercased(),
                                                              product: (p.attribute("Name") ?? "").lowercased(), price))
                    }
                }
            }
        }
        return out
    }
}

extension NamecheapWire {
    /// One `Price` row of `users.getPricing`, with the category and product it sits under.
    public struct ProductPrice: Sendable, Hashable {
        public var category: String
        public var product: String
        public var duration: Int
        public var durationType: String
        /// The final price (regular, the user's, or a special one); decimal text in `currency`.
        public var price: String
        public var regularPrice: String?
        public var yourPrice: String?
        public var currency: String

        init(category: String, product: String, _ x: XMLTree) {
            self.category = category
            self.product = product
            duration = Int(x.attribute("Duration") ?? "") ?? 0
            durationType = (x.attribute("DurationType") ?? "").uppercased()
            price = x.attribute("Price") ?? ""
            regularPrice = x.attribute("RegularPrice")
            yourPrice = x.attribute("YourPrice").flatMap { $0.isEmpty ? nil : $0 }
            currency = x.attribute("Currency") ?? "USD"
        }

        /// What this account pays: `YourPrice` when given, else `Price`.
        public var amount: String { yourPrice ?? price }
    }
}
