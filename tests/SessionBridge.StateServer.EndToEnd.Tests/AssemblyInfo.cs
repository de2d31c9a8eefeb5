// The tests start real processes (state servers, redis-server) on a shared, busy machine: one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
