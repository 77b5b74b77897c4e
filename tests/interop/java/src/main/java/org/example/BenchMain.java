package org.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.rpc.RpcContext;

/**
 * {@code bench URL KIND INFLIGHT SECONDS}: keeps INFLIGHT echo calls in flight on the one shared
 * connection, warms up, measures, and prints one {@code BENCH ...} line (see README.md).
 *
 * <p>INFLIGHT &gt; 1: async calls ({@code RpcContext.getServiceContext().asyncCall}) from one
 * sender thread, with a Semaphore of INFLIGHT permits; 64 threads blocked in sync calls pay a
 * wake-up and context switch per call and measured 7-12 % fewer calls/s (p50 1.5x) here.
 * INFLIGHT 1: one thread doing sync calls; Dubbo hands a sync reply straight to the waiting
 * caller (ThreadlessExecutor) instead of completing a future on its consumer executor, which
 * was as fast or faster. -Dpeer.bench.threads=true|false forces either way.
 */
final class BenchMain {
    private BenchMain() {}

    /** The string100 payload: 100 ASCII characters. */
    static final String STRING100 = "0123456789".repeat(10);

    /**
     * Warm-up: at least 3 s and 20,000 calls, at most 15 s. Both JVMs need it (C2 compiles after
     * ~10k invocations): with a 3 s warm-up at INFLIGHT 1, a fresh Java provider measured at less
     * than half its warm throughput.
     */
    static final long WARMUP_MIN_SECONDS = 3;
    static final long WARMUP_MIN_CALLS = 20_000;
    static final long WARMUP_MAX_SECONDS = 15;
    /** Bounds the drain at the end of each phase (calls themselves time out after 3 s). */
    static final long DRAIN_SECONDS = 10;

    static int run(String url, String kind, int inflight, int seconds) throws Exception {
        if (inflight < 1 || seconds < 1) {
            throw new IllegalArgumentException("INFLIGHT and SECONDS must be >= 1");
        }
        new Checks("bench").watchdog(WARMUP_MAX_SECONDS + seconds + 2 * DRAIN_SECONDS + 60);
        ReferenceConfig<Greeter> ref = ConsumerMain.reference(url, null, null);
        ref.setInterface(Greeter.class);
        ConsumerMain.start("java-peer-bench", ref);
        Greeter g = ref.get();

        Supplier<Object> call;
        Object expected;
        switch (kind) {
            case "string100":
                expected = STRING100;
                call = () -> g.echoString(STRING100);
                break;
            case "pojo1k":
                Payload p = Payload.sample();
                expected = p;
                call = () -> g.echoPayload(p);
                break;
            default:
                throw new IllegalArgumentException("KIND must be string100 or pojo1k, not " + kind);
        }

        long warmStart = System.nanoTime();
        long warmCalls = 0;
        long warmed;
        do {
            warmCalls += phase(call, expected, inflight, TimeUnit.SECONDS.toNanos(1)).calls.get();
            warmed = System.nanoTime() - warmStart;
        } while ((warmed < TimeUnit.SECONDS.toNanos(WARMUP_MIN_SECONDS) || warmCalls < WARMUP_MIN_CALLS)
                && warmed < TimeUnit.SECONDS.toNanos(WARMUP_MAX_SECONDS));
        Phase m = phase(call, expected, inflight, TimeUnit.SECONDS.toNanos(seconds));

        double secs = m.elapsedNanos / 1e9;
        long calls = m.calls.get();
        System.out.println(String.format(Locale.ROOT,
                "BENCH kind=%s inflight=%d calls=%d seconds=%.2f calls_per_s=%d p50_us=%d p99_us=%d errors=%d rss_kib=%d",
                kind, inflight, calls, secs, Math.round(calls / secs), m.percentile(0.50),
                m.percentile(0.99), m.errors.get(), rssKib()));
        return m.errors.get() == 0 && calls > 0 ? 0 : 1;
    }

    static Phase phase(Supplier<Object> call, Object expected, int inflight, long nanos) throws InterruptedException {
        String forced = System.getProperty("peer.bench.threads");
        boolean threads = forced == null ? inflight == 1 : Boolean.parseBoolean(forced);
        return threads ? threads(call, expected, inflight, nanos) : async(call, expected, inflight, nanos);
    }

    /** INFLIGHT threads, each calling in a loop until {@code nanos} have passed. */
    static Phase threads(Supplier<Object> call, Object expected, int inflight, long nanos) throws InterruptedException {
        Phase ph = new Phase();
        long start = System.nanoTime();
        long end = start + nanos;
        AtomicLong last = new AtomicLong(start);
        Thread[] ts = new Thread[inflight];
        for (int i = 0; i < inflight; i++) {
            ts[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    boolean ok;
                    try {
                        ok = expected.equals(call.get());
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                    long done = System.nanoTime();
                    ph.record(done - sent, ok);
                    last.accumulateAndGet(done, Math::max);
                }
            }, "peer-bench");
            ts[i].setDaemon(true);
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join(TimeUnit.NANOSECONDS.toMillis(nanos) + TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
        }
        ph.elapsedNanos = Math.max(1, last.get() - start);
        return ph;
    }

    /** Async calls until {@code nanos} have passed, then waits for the replies. */
    static Phase async(Supplier<Object> call, Object expected, int inflight, long nanos) throws InterruptedException {
        Phase ph = new Phase();
        Semaphore slots = new Semaphore(inflight);
        long start = System.nanoTime();
        long end = start + nanos;
        AtomicLong last = new AtomicLong(start);
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                break; // a reply went missing beyond its timeout; count what we have
            }
            long sent = System.nanoTime();
            CompletableFuture<Object> f = RpcContext.getServiceContext().asyncCall((Callable<Object>) call::get);
            f.whenComplete((v, e) -> {
                long done = System.nanoTime();
                ph.record(done - sent, e == null && expected.equals(v));
                last.accumulateAndGet(done, Math::max);
                slots.release();
            });
        }
        if (!slots.tryAcquire(inflight, DRAIN_SECONDS, TimeUnit.SECONDS)) {
            ph.errors.addAndGet(inflight - slots.availablePermits()); // still outstanding
        }
        ph.elapsedNanos = Math.max(1, last.get() - start);
        return ph;
    }

    /**
     * Counts and a latency histogram in microseconds: exact below 1024 us, then 512 buckets per
     * power of two (0.2 % resolution), so memory stays small whatever the call count.
     */
    static final class Phase {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLongArray hist = new AtomicLongArray(1024 + 54 * 512);
        long elapsedNanos;

        void record(long nanos, boolean ok) {
            calls.incrementAndGet();
            if (!ok) {
                errors.incrementAndGet();
            }
            hist.incrementAndGet(bucket(Math.max(0, nanos / 1000)));
        }

        static int bucket(long us) {
            if (us < 1024) {
                return (int) us;
            }
            int exp = 63 - Long.numberOfLeadingZeros(us); // >= 10
            return 1024 + (exp - 10) * 512 + (int) ((us >> (exp - 9)) - 512);
        }

        /** The lower bound, in microseconds, of a bucket. */
        static long lowest(int b) {
            if (b < 1024) {
                return b;
            }
            int exp = (b - 1024) / 512 + 10;
            return (512L + (b - 1024) % 512) << (exp - 9);
        }

        long percentile(double q) {
            long total = calls.get();
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(q * total));
            long seen = 0;
            for (int b = 0; b < hist.length(); b++) {
                seen += hist.get(b);
                if (seen >= rank) {
                    return lowest(b);
                }
            }
            return lowest(hist.length() - 1);
        }
    }

    /** The JVM's resident set (VmRSS of /proc/self/status), in KiB; -1 if unreadable. */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux: report -1
        }
        return -1;
    }
}
