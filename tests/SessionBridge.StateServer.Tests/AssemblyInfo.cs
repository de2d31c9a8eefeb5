// Socket, process and namespace tests share two CPU cores with other work; running them one at a time keeps the
// time-bounded ones (slow-loris, flood, namespace server start-up) far from their limits.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
