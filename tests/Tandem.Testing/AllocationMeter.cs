namespace Tandem.Testing;

/// <summary>
/// Measures what a piece of code allocates on the calling thread, immune to garbage collections run by other threads.
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts the unused rest of the thread's allocation context (up to
/// one 8 KB quantum) as allocated when a collection retires that context, even if the thread allocated nothing: a
/// GC started by another test in the same process during the window shows up as 1-8 KB "allocated" by the code under
/// test. That is what made <c>Pick_AfterWarmUp_AllocatesNothing</c> fail when the whole suite ran in parallel on two
/// cores (collections are frequent and slow there). A window during which a collection ran is measured again.
/// </summary>
public static class AllocationMeter
{
    /// <summary>
    /// Bytes <paramref name="window"/> allocated on this thread, from the first of up to <paramref name="attempts"/>
    /// runs during which no collection ran; throws when a collection ran during every one.
    /// </summary>
    public static long BytesAllocated(Action window, int attempts = 20)
    {
        ArgumentNullException.ThrowIfNull(window);
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var collections = Collections();
            var before = GC.GetAllocatedBytesForCurrentThread();
            window();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (Collections() == collections)
            {
                return allocated;
            }
        }
        throw new InvalidOperationException($"a garbage collection ran during each of {attempts} measurements");
    }

    /// <summary>Changes with every collection, background ones included.</summary>
    private static (int, int, int, long) Collections() =>
        (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetGCMemoryInfo(GCKind.Any).Index);
}
