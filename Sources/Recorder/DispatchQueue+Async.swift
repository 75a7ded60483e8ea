import Dispatch

extension DispatchQueue {
    /// Runs `work` on this queue and suspends until it returns, so that blocking work (an SQLite transaction, a
    /// query) holds one of this queue's threads, not one of the few threads of Swift's cooperative pool that every
    /// task of the process shares.
    ///
    /// - Throws: what `work` throws.
    func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            async { continuation.resume(with: Result { try work() }) }
        }
    }
}
