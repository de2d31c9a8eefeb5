// The tests start real servers; one class at a time keeps the shared machine's load predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
