// The Reconciler module. See docs/ARCHITECTURE.md.
