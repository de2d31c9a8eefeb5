// The tests share one running sample (and its Mono app and state server) and one browser; one at a time keeps the
// shared machine's load predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
