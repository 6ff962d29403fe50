#pragma once
// How one backend runs its generation jobs (DESIGN §5): how many workers, leases, attempts,
// backoff, and when a provider's circuit breaker opens.
namespace vesper::backend {

struct WorkerSettings {
    int workers = 2;          // VESPER_WORKERS (0: this instance only accepts requests)
    int leaseSeconds = 60;    // VESPER_JOB_LEASE_SECONDS
    int timeoutSeconds = 300; // VESPER_PROVIDER_TIMEOUT_SECONDS: a whole provider run
    int maxAttempts = 3;      // VESPER_JOB_MAX_ATTEMPTS
    int backoffMs = 2000;     // VESPER_JOB_BACKOFF_MS: the first retry's delay, doubled per attempt up to a minute
    int breakerFailures = 5;  // VESPER_BREAKER_FAILURES: transient failures in a row that open a breaker
    int breakerCooldownSeconds = 30; // VESPER_BREAKER_COOLDOWN_SECONDS: until one probe may try again
};

} // namespace vesper::backend
