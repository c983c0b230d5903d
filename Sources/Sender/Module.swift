// The Sender module. See docs/ARCHITECTURE.md.
