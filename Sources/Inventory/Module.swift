// The Inventory module. See docs/ARCHITECTURE.md.
