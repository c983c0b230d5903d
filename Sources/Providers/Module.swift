// The Providers module. See docs/ARCHITECTURE.md.
