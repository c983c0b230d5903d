/// The listening half of the fleet (DESIGN.md "Monitor/"): Mailgun webhooks,
/// one-click unsubscribes, replies, the alerter, metrics and the status page.
/// Each long-running part is a `Service` that `reconcile serve` runs in one
/// `ServiceGroup` beside the sender.
public enum Monitor {}
